using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using OpenEnergy.Fapi.Certificates;
using OpenEnergy.Fapi.Configuration;
using OpenEnergy.Fapi.Headers;
using OpenEnergy.Fapi.Validation;

namespace OpenEnergy.Fapi.HttpListener;

/// <summary>
/// Guards <see cref="HttpListenerContext"/> requests: sets <c>x-fapi-interaction-id</c> and <c>Date</c>,
/// validates, and on refusal writes the RFC 6750 response and closes it. The client certificate comes from
/// the listener's TLS (where it does TLS, i.e. on Windows) or from a trusted proxy's header (on Linux, where
/// <see cref="System.Net.HttpListener"/> has no TLS).
/// </summary>
public sealed class FapiHttpListenerGuard
{
    private readonly IFapiValidator _validator;
    private readonly ForwardedCertificateReader _forwarded;
    private readonly TimeProvider _time;

    /// <summary>Creates the guard (usually by dependency injection after <c>AddOpenEnergyFapi</c>).</summary>
    /// <param name="validator">The validator.</param>
    /// <param name="forwarded">Reads certificates forwarded by trusted proxies.</param>
    /// <param name="time">The clock for <c>Date</c>.</param>
    public FapiHttpListenerGuard(IFapiValidator validator, ForwardedCertificateReader forwarded, TimeProvider time)
    {
        _validator = validator ?? throw new ArgumentNullException(nameof(validator));
        _forwarded = forwarded ?? throw new ArgumentNullException(nameof(forwarded));
        _time = time ?? throw new ArgumentNullException(nameof(time));
    }

    /// <summary>
    /// Validates a request. On success the verdict's consumer is yours and the response is still open; on
    /// refusal the response has been written and closed.
    /// </summary>
    /// <param name="context">The request.</param>
    /// <param name="requiredScopes">The scopes the resource needs (all of them).</param>
    /// <param name="cancellationToken">Stops waiting for a shared introspection.</param>
    public async ValueTask<FapiVerdict> ValidateAsync(HttpListenerContext context, IReadOnlyList<string>? requiredScopes = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        HttpListenerRequest request = context.Request;
        HttpListenerResponse response = context.Response;

        string[]? sentIds = request.Headers.GetValues(InteractionId.HeaderName);
        string interactionId = InteractionId.Resolve(sentIds is { Length: 1 } ? sentIds[0] : null, out _);
        response.Headers[InteractionId.HeaderName] = interactionId;
        response.Headers[HttpResponseHeader.Date] = HttpDate.Format(_time.GetUtcNow());

        var fapiRequest = new FapiRequest
        {
            Authorization = new StringValues(request.Headers.GetValues("Authorization")),
            AccessTokenInQueryOrBody = request.QueryString["access_token"] is not null,
            ClientCertificate = await GetThumbprintAsync(request),
            RequiredScopes = requiredScopes,
            InteractionId = interactionId,
        };

        FapiVerdict verdict = await _validator.ValidateAsync(fapiRequest, cancellationToken);
        if (verdict.Succeeded)
        {
            response.Headers[HttpResponseHeader.CacheControl] = "no-store";
        }
        else
        {
            WriteFailure(response, verdict.Failure);
        }

        return verdict;
    }

    /// <summary>Writes a refusal (status, challenge, no-store headers, JSON body) and closes the response.</summary>
    /// <param name="response">The response.</param>
    /// <param name="failure">The refusal.</param>
    public static void WriteFailure(HttpListenerResponse response, FapiFailure failure)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(failure);
        response.StatusCode = failure.StatusCode;
        response.Headers[HttpResponseHeader.CacheControl] = "no-store";
        response.Headers[HttpResponseHeader.Pragma] = "no-cache";
        if (failure.WwwAuthenticate is { } challenge)
        {
            response.Headers[HttpResponseHeader.WwwAuthenticate] = challenge;
        }

        if (failure.RetryAfterHeaderValue is { } retryAfter)
        {
            response.Headers[HttpResponseHeader.RetryAfter] = retryAfter;
        }

        if (failure.JsonBody is { } body)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(body);
            response.ContentType = "application/json";
            response.ContentLength64 = bytes.Length;
            response.OutputStream.Write(bytes);
        }

        response.Close();
    }

    private async ValueTask<CertificateThumbprint?> GetThumbprintAsync(HttpListenerRequest request)
    {
        if (request.IsSecureConnection)
        {
            X509Certificate2? tls = await request.GetClientCertificateAsync();
            if (tls is not null)
            {
                return CertificateThumbprintCache.Get(tls);
            }
        }

        if (_forwarded.HeaderName is { } name && request.Headers.GetValues(name) is { } values)
        {
            StringValues verify = _forwarded.VerifyHeaderName is { } verifyName ? new StringValues(request.Headers.GetValues(verifyName)) : default;
            if (_forwarded.TryRead(new StringValues(values), verify, request.RemoteEndPoint?.Address, isUnixSocket: false, out CertificateThumbprint thumbprint))
            {
                return thumbprint;
            }
        }

        return null;
    }
}
