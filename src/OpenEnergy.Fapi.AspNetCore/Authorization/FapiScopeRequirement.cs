using Microsoft.AspNetCore.Authorization;

namespace OpenEnergy.Fapi.AspNetCore.Authorization;

/// <summary>
/// An authorization requirement: the consumer FAPI validation accepted for the request carries every one of
/// <see cref="Scopes"/> (compared as <c>CaseInsensitiveScopes</c> says: exactly, by default).
/// </summary>
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
