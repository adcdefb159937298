using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;

namespace OpenEnergy.Fapi.AspNetCore.Http;

/// <summary>
/// Wraps the application's authorization result handler: once it has challenged or forbidden every scheme of the
/// policy, writes the JSON body of the FAPI refusal whose status and headers the authentication handler wrote,
/// if nothing else started the response.
/// </summary>
internal sealed class FapiAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly IAuthorizationMiddlewareResultHandler _inner;
    private readonly FapiHttpPipeline _pipeline;

    public FapiAuthorizationResultHandler(IAuthorizationMiddlewareResultHandler inner, FapiHttpPipeline pipeline)
    {
        _inner = inner;
        _pipeline = pipeline;
    }

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        await _inner.HandleAsync(next, context, policy, authorizeResult);
        if (authorizeResult.Challenged || authorizeResult.Forbidden)
        {
            await _pipeline.CompletePendingRefusalAsync(context);
        }
    }
}
