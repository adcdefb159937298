using Microsoft.AspNetCore.Authorization;
using OpenEnergy.Fapi.AspNetCore.Features;
using OpenEnergy.Fapi.AspNetCore.Http;
using OpenEnergy.Fapi.Validation;

namespace OpenEnergy.Fapi.AspNetCore.Authorization;

/// <summary>
/// Checks <see cref="FapiRoleAuthorizationRequirement"/> against the certificate of the consumer FAPI validation
/// accepted for this request (a principal of another scheme never meets it). The authentication handler has
/// already applied the endpoint's role policies; this is the same check where the policy is evaluated.
/// </summary>
internal sealed class FapiRoleAuthorizationHandler : AuthorizationHandler<FapiRoleAuthorizationRequirement>
{
    private readonly FapiHttpPipeline _pipeline;

    public FapiRoleAuthorizationHandler(FapiHttpPipeline pipeline) => _pipeline = pipeline;

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, FapiRoleAuthorizationRequirement requirement)
    {
        if (!FapiPolicyCaller.TryGet(context, out FapiFeature? feature, out FapiConsumer? consumer))
        {
            return Task.CompletedTask;
        }

        if (consumer.Certificate?.HasAnyRole(requirement.Requirement.AnyOf) == true)
        {
            context.Succeed(requirement);
        }
        else
        {
            feature.PolicyFailure = _pipeline.Gate.Failures.MissingRole(requirement.Requirement);
        }

        return Task.CompletedTask;
    }
}
