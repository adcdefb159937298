using OpenEnergy.Fapi.Headers;

namespace OpenEnergy.Fapi.Validation;

/// <summary>
/// A directory-role requirement: the client certificate must carry at least one of <see cref="AnyOf"/> (IB1: a
/// data source names the roles allowed to access it). Several requirements on one resource must all hold, so
/// "role X, and one of Y or Z" is two requirements.
/// </summary>
public sealed class FapiRoleRequirement
{
    /// <summary>Creates the requirement.</summary>
    /// <param name="anyOf">The roles accepted (at least one; compared exactly).</param>
    public FapiRoleRequirement(params string[] anyOf)
    {
        ArgumentNullException.ThrowIfNull(anyOf);
        if (anyOf.Length == 0)
        {
            throw new ArgumentException("A role requirement needs at least one role.", nameof(anyOf));
        }

        foreach (string role in anyOf)
        {
            if (CheckRole(role) is { } problem)
            {
                throw new ArgumentException(problem, nameof(anyOf));
            }
        }

        AnyOf = [.. anyOf];
    }

    /// <summary>The roles accepted.</summary>
    public IReadOnlyList<string> AnyOf { get; }

    /// <summary>The refusal naming these roles, built once.</summary>
    internal FapiFailure? Refusal { get; set; }

    /// <summary>Why <paramref name="role"/> cannot be a role (it must fit in a challenge's description), or null.</summary>
    internal static string? CheckRole(string? role)
        => string.IsNullOrWhiteSpace(role) || role.Contains(' ', StringComparison.Ordinal) || !WwwAuthenticateHeader.IsQuotableText(role)
            ? $"'{role}' is not a valid role: printable ASCII without spaces, quotes or backslashes."
            : null;
}
