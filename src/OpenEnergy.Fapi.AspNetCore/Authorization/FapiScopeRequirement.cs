using Microsoft.AspNetCore.Authorization;

namespace OpenEnergy.Fapi.AspNetCore.Authorization;

/// <summary>An authorization requirement: the token carries every one of <see cref="Scopes"/> (exact, case-sensitive).</summary>
public sealed class FapiScopeRequirement : IAuthorizationRequirement
{
    /// <summary>Creates the requirement.</summary>
    /// <param name="scopes">The scopes needed.</param>
    public FapiScopeRequirement(IReadOnlyList<string> scopes)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        if (scopes.Count == 0)
        {
            throw new ArgumentException("Name at least one scope.", nameof(scopes));
        }

        Scopes = scopes;
    }

    /// <summary>The scopes needed.</summary>
    public IReadOnlyList<string> Scopes { get; }
}
