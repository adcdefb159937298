using Microsoft.AspNetCore.Authorization;
using OpenEnergy.Fapi.AspNetCore.Features;
using OpenEnergy.Fapi.AspNetCore.Http;
using OpenEnergy.Fapi.Validation;

namespace OpenEnergy.Fapi.AspNetCore.Authorization;

/// <summary>
/// Checks <see cref="FapiScopeRequirement"/> against the consumer that FAPI validation accepted for this very
/// request, and nothing else: a principal of another scheme (a JWT bearer's <c>scope</c> claims, a cookie)
/// never meets it, so the requirement implies a valid, certificate-bound FAPI token.
/// </summary>
internal sealed class FapiScopeAuthorizationHandler : AuthorizationHandler<FapiScopeRequirement>
{
    private readonly FapiHttpPipeline _pipeline;

    public FapiScopeAuthorizationHandler(FapiHttpPipeline pipeline) => _pipeline = pipeline;

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, FapiScopeRequirement requirement)
    {
        if (!FapiPolicyCaller.TryGet(context, out FapiFeature? feature, out FapiConsumer? consumer))
        {
            return Task.CompletedTask;
        }

        if (_pipeline.Gate.CheckScopes(consumer, requirement.Scopes) is { } failure)
        {
            feature.PolicyFailure = failure;
        }
        else
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}
