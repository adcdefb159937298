using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;
using OpenEnergy.Fapi.AspNetCore.Events;
using OpenEnergy.Fapi.AspNetCore.Features;
using OpenEnergy.Fapi.Certificates;
using OpenEnergy.Fapi.Configuration;
using OpenEnergy.Fapi.Headers;
using OpenEnergy.Fapi.Validation;

namespace OpenEnergy.Fapi.AspNetCore.Http;

/// <summary>
/// What every ASP.NET Core entry point (middleware, endpoint filter, authentication handler) shares: it
/// translates a request into the core's <see cref="FapiRequest"/> and the verdict into headers and a response.
/// </summary>
internal sealed class FapiHttpPipeline
{
    private readonly IFapiValidator _validator;
    private readonly ForwardedCertificateReader _forwarded;
    private readonly FapiHttpOptions _options;
    private readonly HttpDateHeader _date;
    private readonly ILogger _logger;
    private readonly string _realm;

    public FapiHttpPipeline(IFapiValidator validator, ForwardedCertificateReader forwarded, IOptions<FapiHttpOptions> options, IOptions<FapiOptions> fapiOptions, TimeProvider time, ILogger<FapiHttpPipeline> logger)
    {
        _realm = fapiOptions.Value.Realm;
        _validator = validator;
        _forwarded = forwarded;
        _options = options.Value;
        _date = new HttpDateHeader(time);
        _logger = logger;
    }

    private static readonly ConditionalWeakTable<IFapiValidator, FapiHttpPipeline> Pipelines = [];

    public ILogger Logger => _logger;

    /// <summary>
    /// The pipeline of an application: registered by <c>AddOpenEnergyFapiHttp</c>, or made once per validator
    /// when only the core's <c>AddOpenEnergyFapi</c> was called.
    /// </summary>
    public static FapiHttpPipeline For(IServiceProvider services)
    {
        if (services.GetService<FapiHttpPipeline>() is { } registered)
        {
            return registered;
        }

        IFapiValidator validator = services.GetService<IFapiValidator>()
            ?? throw new InvalidOperationException("OpenEnergy.Fapi is not registered: call services.AddOpenEnergyFapi(...) at start-up.");
        return Pipelines.GetValue(validator, _ => ActivatorUtilities.CreateInstance<FapiHttpPipeline>(services));
    }

    /// <summary>
    /// The request's FAPI feature, created on first use: resolves the interaction id and puts it and
    /// <c>Date</c> on the response.
    /// </summary>
    public FapiFeature Begin(HttpContext context) => Begin(context, out _);

    /// <inheritdoc cref="Begin(HttpContext)"/>
    /// <param name="context">The request.</param>
    /// <param name="created">Whether this call created the feature (no earlier FAPI component saw the request).</param>
    public FapiFeature Begin(HttpContext context, out bool created)
    {
        if (context.Features.Get<IFapiFeature>() is FapiFeature existing)
        {
            created = false;
            return existing;
        }

        created = true;
        StringValues sent = context.Request.Headers[InteractionId.HeaderName];
        string id = InteractionId.Resolve(sent.Count == 1 ? sent[0] : null, out bool replaced);
        if (replaced || sent.Count > 1)
        {
            _logger.InteractionIdReplaced(sent.ToString(), id);
        }

        var feature = new FapiFeature(id);
        context.Features.Set<IFapiFeature>(feature);
        context.Features.Set<IFapiClientCertificateFeature>(feature);
        IHeaderDictionary headers = context.Response.Headers;
        headers[InteractionId.HeaderName] = id;
        if (!headers.ContainsKey(HeaderNames.Date))
        {
            headers.Date = _date.Now();
        }

        return feature;
    }

    /// <summary>Validates the request once per set of scopes; later calls with the same scopes reuse the verdict.</summary>
    public async ValueTask<FapiVerdict> ValidateAsync(HttpContext context, IReadOnlyList<string>? scopes)
    {
        FapiFeature feature = Begin(context);
        if (feature.Verdict is { } known && ReferenceEquals(feature.VerdictScopes, scopes))
        {
            return known;
        }

        if (!feature.CertificateResolved)
        {
            ResolveCertificate(context, feature);
        }

        StringValues authorization = context.Request.Headers.Authorization;
        var request = new FapiRequest
        {
            Authorization = authorization,
            AccessTokenInQueryOrBody = await HasAccessTokenParameterAsync(context, authorization),
            ClientCertificate = feature.Thumbprint,
            RequiredScopes = scopes,
            InteractionId = feature.InteractionId,
        };

        FapiVerdict verdict = await _validator.ValidateAsync(request, context.RequestAborted);
        if (verdict.Succeeded)
        {
            // Protected responses must not be stored by caches on the way.
            context.Response.Headers.CacheControl = "no-store";
            verdict = await ApplyPolicyAsync(context, verdict);
        }

        feature.Verdict = verdict;
        feature.VerdictScopes = scopes;
        return verdict;
    }

    /// <summary>Writes a refusal: status, challenge, <c>Retry-After</c>, no-store headers and the JSON body.</summary>
    public async Task WriteFailureAsync(HttpContext context, FapiFailure failure)
    {
        Begin(context);
        if (_options.Events.HasRejectedHook)
        {
            await _options.Events.Rejected(new FapiRejectedContext(context, failure));
        }

        if (context.Response.HasStarted)
        {
            return;
        }

        HttpResponse response = context.Response;
        response.StatusCode = failure.StatusCode;
        IHeaderDictionary headers = response.Headers;
        headers.CacheControl = "no-store";
        headers.Pragma = "no-cache";
        if (failure.WwwAuthenticate is { } challenge)
        {
            headers.WWWAuthenticate = challenge;
        }

        if (failure.RetryAfterHeaderValue is { } retryAfter)
        {
            headers.RetryAfter = retryAfter;
        }

        if (failure.JsonBody is { } body)
        {
            response.ContentType = "application/json";
            await response.WriteAsync(body, context.RequestAborted);
        }
    }

    private async ValueTask<FapiVerdict> ApplyPolicyAsync(HttpContext context, FapiVerdict verdict)
    {
        if (_options.Events.HasValidatedHook)
        {
            var validated = new FapiValidatedContext(context, verdict.Consumer!);
            await _options.Events.Validated(validated);
            if (validated.Rejected)
            {
                _logger.PolicyRejected(validated.RejectionDescription);
                return FapiVerdict.Fail(new FapiFailure(FapiFailureReason.PolicyRejected, 403, "insufficient_scope", validated.RejectionDescription, _realm));
            }
        }

        if (_options.AccessLog)
        {
            _logger.AccessGranted(context.Request.Method, context.Request.Path.Value, verdict.Consumer!.ClientId, verdict.Consumer.OrganisationId);
        }

        return verdict;
    }

    private void ResolveCertificate(HttpContext context, FapiFeature feature)
    {
        // A certificate on the connection itself is the client's; any forwarding header is then ignored.
        X509Certificate2? tls = context.Connection.ClientCertificate;
        if (tls is not null)
        {
            feature.SetCertificate(CertificateThumbprintCache.Get(tls), ClientCertificateSource.TlsConnection, tls, null);
            return;
        }

        if (_forwarded.HeaderName is { } name)
        {
            StringValues header = context.Request.Headers[name];
            if (header.Count > 0)
            {
                bool isUnixSocket = Kestrel.UnixSocketConnectionMarker.IsUnixSocket(context);
                StringValues verify = _forwarded.VerifyHeaderName is { } verifyName ? context.Request.Headers[verifyName] : default;
                if (_forwarded.TryRead(header, verify, context.Connection.RemoteIpAddress, isUnixSocket, out CertificateThumbprint thumbprint))
                {
                    feature.SetCertificate(thumbprint, ClientCertificateSource.TrustedProxyHeader, null, header[0]);
                    return;
                }

                if (!_forwarded.IsTrustedProxy(context.Connection.RemoteIpAddress, isUnixSocket))
                {
                    _logger.UntrustedForwardedCertificate(context.Connection.RemoteIpAddress?.ToString());
                }
            }
        }

        feature.SetCertificate(null, ClientCertificateSource.None, null, null);
    }

    // RFC 6750 §2.2/2.3 transports, never accepted: only their presence matters (with a header it is 400).
    private static async ValueTask<bool> HasAccessTokenParameterAsync(HttpContext context, StringValues authorization)
    {
        HttpRequest request = context.Request;
        string? query = request.QueryString.Value;
        if (query is not null && query.Contains("access_token", StringComparison.Ordinal) && request.Query.ContainsKey("access_token"))
        {
            return true;
        }

        if (authorization.Count == 0 || !request.HasFormContentType)
        {
            return false;
        }

        try
        {
            IFormCollection form = await request.ReadFormAsync(context.RequestAborted);
            return form.ContainsKey("access_token");
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or BadHttpRequestException)
        {
            return false;
        }
    }
}
