using System.Text.RegularExpressions;

namespace OpenEnergy.Fapi.Tests.Support;

/// <summary>
/// A strict RFC 9110 §11.6.1 / RFC 6750 §3 challenge parser for tests: scheme, one space, <c>name="value"</c>
/// pairs joined by <c>", "</c>, no trailing comma or space, values limited to RFC 6750's characters.
/// </summary>
internal static partial class ChallengeParser
{
    [GeneratedRegex("""^(?<scheme>[!#$%&'*+\-.^_`|~0-9A-Za-z]+) (?<params>[a-z_]+="[\x20\x21\x23-\x5B\x5D-\x7E]*"(, [a-z_]+="[\x20\x21\x23-\x5B\x5D-\x7E]*")*)$""")]
    private static partial Regex Challenge();

    [GeneratedRegex("""(?<name>[a-z_]+)="(?<value>[^"]*)"(, |$)""")]
    private static partial Regex Parameter();

    [GeneratedRegex("""^[\x21\x23-\x5B\x5D-\x7E]+( [\x21\x23-\x5B\x5D-\x7E]+)*$""")]
    private static partial Regex ScopeValue();

    /// <summary>Parses a challenge, or fails the test with the reason.</summary>
    public static (string Scheme, IReadOnlyDictionary<string, string> Parameters) Parse(string? header)
    {
        Assert.That(header, Is.Not.Null, "no WWW-Authenticate");
        Match match = Challenge().Match(header!);
        Assert.That(match.Success, Is.True, $"not a strict RFC 9110 challenge: [{header}]");
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match p in Parameter().Matches(match.Groups["params"].Value))
        {
            Assert.That(parameters.TryAdd(p.Groups["name"].Value, p.Groups["value"].Value), Is.True, $"repeated parameter in [{header}]");
        }

        if (parameters.TryGetValue("scope", out string? scope))
        {
            Assert.That(ScopeValue().IsMatch(scope), Is.True, $"bad scope attribute in [{header}]");
        }

        return (match.Groups["scheme"].Value, parameters);
    }
}
