using Microsoft.AspNetCore.Http;
using OpenEnergy.Fapi.AspNetCore.Http;
using OpenEnergy.Fapi.Validation;

namespace OpenEnergy.Fapi.AspNetCore.Endpoints;

/// <summary>The endpoint filter behind <c>RequireFapi</c>: refuses the request before the handler runs.</summary>
internal sealed class FapiEndpointFilter : IEndpointFilter
{
    private readonly FapiRequirementMetadata _requirement;

    public FapiEndpointFilter(FapiRequirementMetadata requirement) => _requirement = requirement;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        HttpContext http = context.HttpContext;
        FapiHttpPipeline pipeline = FapiHttpPipeline.For(http.RequestServices);
        FapiVerdict verdict = await pipeline.ValidateAsync(http, _requirement.Scopes);
        if (!verdict.Succeeded)
        {
            return new FapiFailureResult(verdict.Failure);
        }

        return await next(context);
    }
}
