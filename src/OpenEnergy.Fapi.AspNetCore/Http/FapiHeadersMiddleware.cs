using Microsoft.AspNetCore.Http;

namespace OpenEnergy.Fapi.AspNetCore.Http;

/// <summary>
/// Puts <c>x-fapi-interaction-id</c> and <c>Date</c> on every response that reaches the pipeline (public
/// files included) and the interaction id in the logging scope of everything the request logs.
/// </summary>
internal sealed class FapiHeadersMiddleware
{
    private readonly RequestDelegate _next;
    private readonly FapiHttpPipeline _pipeline;

    public FapiHeadersMiddleware(RequestDelegate next, FapiHttpPipeline pipeline)
    {
        _next = next;
        _pipeline = pipeline;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        Features.FapiFeature feature = _pipeline.Begin(context);
        using (_pipeline.Gate.BeginScope(feature.InteractionId))
        {
            await _next(context);
        }
    }
}
