using System.Reflection;
using System.Text.RegularExpressions;
using OpenEnergy.Fapi.Configuration;
using OpenEnergy.Fapi.Tests.Shared;

namespace OpenEnergy.Fapi.Tests.Configuration;

/// <summary>The README's configuration table names every key the options read, and no key they do not.</summary>
public partial class ConfigurationReferenceTests
{
    [Test]
    public void ReadmeTable_ListsEveryConfigurationKey_AndNothingElse()
    {
        string readme = File.ReadAllText(Path.Combine(Repository.Root, "README.md"));
        int start = readme.IndexOf("## Configuration reference (`OpenEnergy:Fapi`)", StringComparison.Ordinal);
        Assert.That(start, Is.GreaterThanOrEqualTo(0), "the README has no configuration reference");
        int end = readme.IndexOf("\n## ", start + 10, StringComparison.Ordinal);
        string table = readme[start..end];

        HashSet<string> documented = [.. KeyCell().Matches(table).Select(m => m.Groups[1].Value.Replace(":0..n", "", StringComparison.Ordinal))];
        HashSet<string> bound = [.. Keys(typeof(FapiSettings), "")];

        Assert.That(bound.Except(documented), Is.Empty, "keys the options read that the README does not list");
        Assert.That(documented.Except(bound), Is.Empty, "keys the README lists that no option reads");
    }

    private static IEnumerable<string> Keys(Type options, string prefix)
    {
        foreach (PropertyInfo property in options.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            bool bindable = property.CanWrite || (property.PropertyType.IsGenericType && property.PropertyType.GetGenericTypeDefinition() == typeof(IList<>));
            if (!bindable)
            {
                continue;
            }

            if (property.PropertyType == typeof(SharedCacheOptions))
            {
                foreach (string nested in Keys(typeof(SharedCacheOptions), property.Name + ":"))
                {
                    yield return nested;
                }

                continue;
            }

            yield return prefix + property.Name;
        }
    }

    [GeneratedRegex(@"^\| `([A-Za-z:.0-9]+)` \|", RegexOptions.Multiline)]
    private static partial Regex KeyCell();
}
