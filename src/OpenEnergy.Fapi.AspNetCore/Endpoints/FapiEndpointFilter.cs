using Microsoft.AspNetCore.Http;
using OpenEnergy.Fapi.AspNetCore.Http;
using OpenEnergy.Fapi.Validation;

namespace OpenEnergy.Fapi.AspNetCore.Endpoints;

/// <summary>The endpoint filter behind <c>RequireFapi</c>: refuses the request before the handler runs.</summary>
internal sealed class FapiEndpointFilter : IEndpointFilter
{
    private readonly FapiRequirementMetadata _requirement;
    private FapiHttpPipeline? _pipeline;

    public FapiEndpointFilter(FapiRequirementMetadata requirement) => _requirement = requirement;

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        HttpContext http = context.HttpContext;
        // An endpoint belongs to one application, so its pipeline is looked up once.
        FapiHttpPipeline pipeline = _pipeline ??= FapiHttpPipeline.For(http.RequestServices);
        ValueTask<FapiVerdict> pending = pipeline.ValidateAsync(http, _requirement.Scopes);
        if (!pending.IsCompletedSuccessfully)
        {
            return InvokeAfterValidationAsync(pending, context, next);
        }

        FapiVerdict verdict = pending.Result;
        return verdict.Succeeded ? next(context) : new(new FapiFailureResult(verdict.Failure));
    }

    private static async ValueTask<object?> InvokeAfterValidationAsync(ValueTask<FapiVerdict> pending, EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        FapiVerdict verdict = await pending;
        return verdict.Succeeded ? await next(context) : new FapiFailureResult(verdict.Failure);
    }
}
