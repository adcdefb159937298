using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using OpenEnergy.Fapi.AspNetCore.Features;
using OpenEnergy.Fapi.Validation;

namespace OpenEnergy.Fapi.AspNetCore.Http;

/// <summary>Validates every request that reaches it (a whole app or a branch) and refuses the ones that fail.</summary>
internal sealed class FapiValidationMiddleware
{
    private readonly RequestDelegate _next;
    private readonly FapiHttpPipeline _pipeline;
    private readonly IReadOnlyList<string>? _scopes;

    public FapiValidationMiddleware(RequestDelegate next, FapiHttpPipeline pipeline, IReadOnlyList<string>? scopes)
    {
        _next = next;
        _pipeline = pipeline;
        _scopes = scopes is { Count: > 0 } ? scopes : null;
    }

    public Task InvokeAsync(HttpContext context)
    {
        FapiFeature feature = _pipeline.Begin(context, out bool created);
        if (created)
        {
            return InvokeInLoggingScopeAsync(context, feature);
        }

        // UseFapiHeaders ran first and holds the logging scope; a cache hit then needs no state machine here.
        ValueTask<FapiVerdict> pending = _pipeline.ValidateAsync(context, feature, _scopes);
        if (pending.IsCompletedSuccessfully)
        {
            FapiVerdict verdict = pending.Result;
            return verdict.Succeeded ? _next(context) : _pipeline.WriteFailureAsync(context, verdict.Failure);
        }

        return ContinueAsync(context, pending);
    }

    private async Task InvokeInLoggingScopeAsync(HttpContext context, FapiFeature feature)
    {
        using IDisposable? scope = _pipeline.Logger.BeginScope(new InteractionScope(feature.InteractionId));
        await ContinueAsync(context, _pipeline.ValidateAsync(context, feature, _scopes));
    }

    private async Task ContinueAsync(HttpContext context, ValueTask<FapiVerdict> pending)
    {
        FapiVerdict verdict = await pending;
        if (!verdict.Succeeded)
        {
            await _pipeline.WriteFailureAsync(context, verdict.Failure);
            return;
        }

        await _next(context);
    }
}
