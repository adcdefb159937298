using OpenEnergy.Fapi.AspNetCore;
using OpenEnergy.Fapi.AspNetCore.Authorization;

namespace Microsoft.AspNetCore.Authorization;

/// <summary>Scope and directory-role policies for controllers and endpoints: <c>[Authorize(Policy = "energy-read")]</c>.</summary>
public static class FapiAuthorizationPolicyBuilderExtensions
{
    /// <summary>Requires the FAPI scheme and every one of <paramref name="scopes"/>.</summary>
    /// <param name="builder">The policy builder.</param>
    /// <param name="scopes">The scopes needed.</param>
    public static AuthorizationPolicyBuilder RequireFapiScope(this AuthorizationPolicyBuilder builder, params string[] scopes)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder
            .AddAuthenticationSchemes(FapiAuthenticationDefaults.AuthenticationScheme)
            .RequireAuthenticatedUser()
            .AddRequirements(new FapiScopeRequirement(scopes));
    }

    /// <summary>Adds a named policy that requires the FAPI scheme and every one of <paramref name="scopes"/>.</summary>
    /// <param name="options">The authorization options.</param>
    /// <param name="name">The policy name.</param>
    /// <param name="scopes">The scopes needed.</param>
    public static AuthorizationOptions AddFapiScopePolicy(this AuthorizationOptions options, string name, params string[] scopes)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddPolicy(name, policy => policy.RequireFapiScope(scopes));
        return options;
    }

    /// <summary>
    /// Requires the FAPI scheme and a client certificate carrying at least one of <paramref name="anyOf"/> (IB1
    /// directory roles); several role requirements must all hold. On an endpoint they replace <c>AcceptedRoles</c>.
    /// </summary>
    /// <param name="builder">The policy builder.</param>
    /// <param name="anyOf">The roles accepted.</param>
    public static AuthorizationPolicyBuilder RequireFapiRole(this AuthorizationPolicyBuilder builder, params string[] anyOf)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder
            .AddAuthenticationSchemes(FapiAuthenticationDefaults.AuthenticationScheme)
            .RequireAuthenticatedUser()
            .AddRequirements(new FapiRoleAuthorizationRequirement(anyOf));
    }

    /// <summary>Adds a named policy that requires the FAPI scheme and one of <paramref name="anyOf"/> in the client certificate's roles.</summary>
    /// <param name="options">The authorization options.</param>
    /// <param name="name">The policy name.</param>
    /// <param name="anyOf">The roles accepted.</param>
    public static AuthorizationOptions AddFapiRolePolicy(this AuthorizationOptions options, string name, params string[] anyOf)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddPolicy(name, policy => policy.RequireFapiRole(anyOf));
        return options;
    }
}
