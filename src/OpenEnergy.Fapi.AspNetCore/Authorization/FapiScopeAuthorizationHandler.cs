using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using OpenEnergy.Fapi.Configuration;

namespace OpenEnergy.Fapi.AspNetCore.Authorization;

/// <summary>Checks <see cref="FapiScopeRequirement"/> against the principal's <c>scope</c> claims.</summary>
internal sealed class FapiScopeAuthorizationHandler : AuthorizationHandler<FapiScopeRequirement>
{
    /// <summary>Where the missing scopes go for the 403 challenge's <c>scope</c> attribute.</summary>
    public const string MissingScopeKey = "OpenEnergy.Fapi.MissingScope";

    private readonly StringComparison _comparison;

    public FapiScopeAuthorizationHandler(IOptions<FapiOptions> options)
        => _comparison = options.Value.CaseInsensitiveScopes ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, FapiScopeRequirement requirement)
    {
        bool all = requirement.Scopes.All(needed => context.User.FindAll(FapiClaimTypes.Scope).Any(c => string.Equals(c.Value, needed, _comparison)));
        if (all)
        {
            context.Succeed(requirement);
        }
        else if (context.Resource is HttpContext http)
        {
            http.Items[MissingScopeKey] = string.Join(' ', requirement.Scopes);
        }

        return Task.CompletedTask;
    }
}
