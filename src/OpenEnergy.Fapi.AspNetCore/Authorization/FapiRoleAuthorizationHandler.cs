using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using OpenEnergy.Fapi.AspNetCore.Features;
using OpenEnergy.Fapi.AspNetCore.Http;

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
        HttpContext? http = context.Resource as HttpContext ?? (context.Resource as Microsoft.AspNetCore.Mvc.Filters.AuthorizationFilterContext)?.HttpContext;
        if (http?.Features.Get<IFapiFeature>() is not FapiFeature { Consumer: { } consumer } feature
            || !context.User.Identities.Any(i => i.IsAuthenticated && i.AuthenticationType == FapiAuthenticationDefaults.AuthenticationScheme))
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
