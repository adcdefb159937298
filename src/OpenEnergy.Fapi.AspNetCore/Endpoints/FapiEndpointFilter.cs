using Microsoft.AspNetCore.Http;
using OpenEnergy.Fapi.Validation;

namespace OpenEnergy.Fapi.AspNetCore.Endpoints;

/// <summary>The endpoint filter behind <c>RequireFapi</c>: refuses the request before the handler runs.</summary>
internal static class FapiEndpointFilter
{
    public static async ValueTask<object?> InvokeAsync(FapiRequirementMetadata requirement, EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        FapiVerdict verdict = await requirement.Pipeline!.ValidateAsync(context.HttpContext, requirement.Scopes);
        return verdict.Succeeded ? await next(context) : new FapiFailureResult(verdict.Failure, requirement.Pipeline);
    }
}
