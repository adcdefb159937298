using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace OpenEnergy.Fapi.Configuration;

/// <summary>
/// Finds the keys of a configuration section that no option reads (a mistyped <c>ClientCertficateHeader</c> would
/// otherwise be ignored in silence), each with the closest key that exists.
/// </summary>
internal static class UnknownConfigurationKeys
{
    /// <summary>Every key under <paramref name="section"/> that configuration does not bind into <see cref="FapiOptions"/>, with a suggestion.</summary>
    public static IReadOnlyList<(string Key, string? ClosestKnown)> Find(IConfiguration section)
    {
        var unknown = new List<(string, string?)>();
        Walk(section, typeof(FapiSettings), section is IConfigurationSection named ? named.Path + ":" : "", unknown);
        return unknown;
    }

    private static void Walk(IConfiguration section, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] Type options, string prefix, List<(string, string?)> unknown)
    {
        PropertyInfo[] properties = options.GetProperties(BindingFlags.Public | BindingFlags.Instance);
        foreach (IConfigurationSection child in section.GetChildren())
        {
            PropertyInfo? property = Array.Find(properties, p => p.Name.Equals(child.Key, StringComparison.OrdinalIgnoreCase));
            if (property is null)
            {
                string? closest = properties.Select(p => p.Name).MinBy(name => Distance(name, child.Key));
                unknown.Add((prefix + child.Key, closest is not null && Distance(closest, child.Key) <= Math.Max(2, child.Key.Length / 3) ? prefix + closest : null));
                continue;
            }

            // Nested options (SharedCache) are walked too; lists (AcceptedRoles:0, …) and values are not.
            if (property.PropertyType == typeof(SharedCacheOptions))
            {
                Walk(child, typeof(SharedCacheOptions), prefix + property.Name + ":", unknown);
            }
        }
    }

    // Levenshtein distance, ignoring letter case.
    private static int Distance(string a, string b)
    {
        a = a.ToUpperInvariant();
        b = b.ToUpperInvariant();
        int[] previous = new int[b.Length + 1];
        int[] current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), substitution);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
