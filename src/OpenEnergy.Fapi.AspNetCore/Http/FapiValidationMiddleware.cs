using Microsoft.AspNetCore.Http;
using OpenEnergy.Fapi.AspNetCore.Features;
using OpenEnergy.Fapi.Validation;

namespace OpenEnergy.Fapi.AspNetCore.Http;

/// <summary>Validates every request that reaches it (a whole app or a branch) and refuses the ones that fail.</summary>
internal sealed class FapiValidationMiddleware
{
    private readonly RequestDelegate _next;
    private readonly FapiHttpPipeline _pipeline;
    private readonly IReadOnlyList<string>? _scopes;
    private readonly Func<HttpContext, IReadOnlyList<FapiRoleRequirement>?> _rolesFor;

    public FapiValidationMiddleware(RequestDelegate next, FapiHttpPipeline pipeline, IReadOnlyList<string>? scopes, Func<HttpContext, IReadOnlyList<FapiRoleRequirement>?> rolesFor)
    {
        _next = next;
        _pipeline = pipeline;
        _scopes = scopes is { Count: > 0 } ? scopes : null;
        _rolesFor = rolesFor;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        FapiFeature feature = _pipeline.Begin(context, out bool created);
        // Without UseFapiHeaders before it, this middleware opens the request's logging scope itself.
        using IDisposable? scope = created ? _pipeline.Gate.BeginScope(feature.InteractionId) : null;
        IReadOnlyList<FapiRoleRequirement>? roles = _rolesFor(context);
        FapiVerdict verdict = await _pipeline.ValidateAsync(context, _scopes, roles is { Count: > 0 } ? roles : null);
        if (!verdict.Succeeded)
        {
            await _pipeline.WriteFailureAsync(context, verdict.Failure);
            return;
        }

        await _next(context);
    }
}
