using System.Net;
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
        IFeatureCollection features = context.Features;
        if (FeatureLookup.Find<IFapiFeature>(features) is FapiFeature existing)
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

        IHeaderDictionary headers = context.Response.Headers;
        headers[InteractionId.HeaderName] = id;
        if (!headers.ContainsKey(HeaderNames.Date))
        {
            headers.Date = _date.Now();
        }

        // Registered last, through the indexer (Set<T> is a generic virtual call): every feature set makes the
        // context look up its cached features again.
        var feature = new FapiFeature(id);
        features[typeof(IFapiFeature)] = feature;
        features[typeof(IFapiClientCertificateFeature)] = feature;
        return feature;
    }

    /// <summary>Validates the request once per set of scopes; later calls with the same scopes reuse the verdict.</summary>
    public ValueTask<FapiVerdict> ValidateAsync(HttpContext context, IReadOnlyList<string>? scopes)
        => ValidateAsync(context, Begin(context), scopes);

    /// <inheritdoc cref="ValidateAsync(HttpContext, IReadOnlyList{string})"/>
    /// <param name="context">The request.</param>
    /// <param name="feature">The request's feature, from <see cref="Begin(HttpContext)"/>.</param>
    /// <param name="scopes">The scopes the token must carry.</param>
    public ValueTask<FapiVerdict> ValidateAsync(HttpContext context, FapiFeature feature, IReadOnlyList<string>? scopes)
    {
        if (feature.Verdict is { } known && ReferenceEquals(feature.VerdictScopes, scopes))
        {
            return new(known);
        }

        if (!feature.CertificateResolved)
        {
            ResolveCertificate(context, feature);
        }

        StringValues authorization = context.Request.Headers.Authorization;
        ValueTask<bool> parameter = HasAccessTokenParameterAsync(context, authorization);
        if (!parameter.IsCompletedSuccessfully)
        {
            return ValidateAfterFormAsync(context, feature, scopes, authorization, parameter);
        }

        // A cache hit completes synchronously; only a call to the authorization server or a hook needs a state machine.
        ValueTask<FapiVerdict> pending = _validator.ValidateAsync(NewRequest(feature, scopes, authorization, parameter.Result), RequestAborted(context));
        if (!pending.IsCompletedSuccessfully)
        {
            return ConcludeAsync(context, feature, scopes, pending);
        }

        FapiVerdict verdict = pending.Result;
        return verdict.Succeeded && _options.Events.HasValidatedHook
            ? ConcludeAsync(context, feature, scopes, new ValueTask<FapiVerdict>(verdict))
            : new(Conclude(context, feature, scopes, verdict));
    }

    private async ValueTask<FapiVerdict> ValidateAfterFormAsync(HttpContext context, FapiFeature feature, IReadOnlyList<string>? scopes, StringValues authorization, ValueTask<bool> parameter)
    {
        bool tokenParameter = await parameter;
        return await ConcludeAsync(context, feature, scopes, _validator.ValidateAsync(NewRequest(feature, scopes, authorization, tokenParameter), RequestAborted(context)));
    }

    // A request whose server has no lifetime feature cannot be aborted (see FeatureLookup).
    private static CancellationToken RequestAborted(HttpContext context)
        => FeatureLookup.Find<IHttpRequestLifetimeFeature>(context.Features)?.RequestAborted ?? default;

    private static FapiRequest NewRequest(FapiFeature feature, IReadOnlyList<string>? scopes, StringValues authorization, bool tokenParameter) => new()
    {
        Authorization = authorization,
        AccessTokenInQueryOrBody = tokenParameter,
        ClientCertificate = feature.Thumbprint,
        RequiredScopes = scopes,
        InteractionId = feature.InteractionId,
    };

    private async ValueTask<FapiVerdict> ConcludeAsync(HttpContext context, FapiFeature feature, IReadOnlyList<string>? scopes, ValueTask<FapiVerdict> pending)
    {
        FapiVerdict verdict = await pending;
        if (verdict.Succeeded && _options.Events.HasValidatedHook)
        {
            var validated = new FapiValidatedContext(context, verdict.Consumer!);
            await _options.Events.Validated(validated);
            if (validated.Rejected)
            {
                _logger.PolicyRejected(validated.RejectionDescription);
                verdict = FapiVerdict.Fail(new FapiFailure(FapiFailureReason.PolicyRejected, 403, "insufficient_scope", validated.RejectionDescription, _realm));
            }
        }

        return Conclude(context, feature, scopes, verdict);
    }

    private FapiVerdict Conclude(HttpContext context, FapiFeature feature, IReadOnlyList<string>? scopes, FapiVerdict verdict)
    {
        if (verdict.Succeeded)
        {
            // Protected responses must not be stored by caches on the way.
            context.Response.Headers.CacheControl = "no-store";
            if (_options.AccessLog)
            {
                _logger.AccessGranted(context.Request.Method, context.Request.Path.Value, verdict.Consumer!.ClientId, verdict.Consumer.OrganisationId);
            }
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

    private void ResolveCertificate(HttpContext context, FapiFeature feature)
    {
        // A certificate on the connection itself is the client's; any forwarding header is then ignored.
        IFeatureCollection features = context.Features;
        X509Certificate2? tls = FeatureLookup.Find<ITlsConnectionFeature>(features)?.ClientCertificate;
        if (tls is not null)
        {
            feature.SetCertificate(CertificateThumbprintCache.Get(tls), ClientCertificateSource.TlsConnection, tls, null);
            return;
        }

        if (_forwarded.HeaderName is { } name)
        {
            IHeaderDictionary requestHeaders = context.Request.Headers;
            StringValues header = requestHeaders[name];
            if (header.Count > 0)
            {
                // A UNIX-socket connection has no peer address; only then is the connection's marker worth a look.
                IPAddress? remote = FeatureLookup.Find<IHttpConnectionFeature>(features)?.RemoteIpAddress;
                bool isUnixSocket = remote is null && Kestrel.UnixSocketConnectionMarker.IsUnixSocket(context);
                StringValues verify = _forwarded.VerifyHeaderName is { } verifyName ? requestHeaders[verifyName] : default;
                if (_forwarded.TryRead(header, verify, remote, isUnixSocket, out CertificateThumbprint thumbprint))
                {
                    feature.SetCertificate(thumbprint, ClientCertificateSource.TrustedProxyHeader, null, header[0]);
                    return;
                }

                if (!_forwarded.IsTrustedProxy(remote, isUnixSocket))
                {
                    _logger.UntrustedForwardedCertificate(remote?.ToString());
                }
            }
        }

        feature.SetCertificate(null, ClientCertificateSource.None, null, null);
    }

    // RFC 6750 §2.2/2.3 transports, never accepted: only their presence matters (with a header it is 400).
    private static ValueTask<bool> HasAccessTokenParameterAsync(HttpContext context, StringValues authorization)
    {
        HttpRequest request = context.Request;
        string? query = request.QueryString.Value;
        if (query is not null && query.Contains("access_token", StringComparison.Ordinal) && request.Query.ContainsKey("access_token"))
        {
            return new(true);
        }

        // HasFormContentType installs a form feature on first use (an allocation, and every cached feature of the
        // request looked up again), so a request without a body type never reaches it.
        if (authorization.Count == 0 || request.ContentType is null || !request.HasFormContentType)
        {
            return new(false);
        }

        return HasAccessTokenFormFieldAsync(context);
    }

    private static async ValueTask<bool> HasAccessTokenFormFieldAsync(HttpContext context)
    {
        try
        {
            IFormCollection form = await context.Request.ReadFormAsync(context.RequestAborted);
            return form.ContainsKey("access_token");
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or BadHttpRequestException)
        {
            return false;
        }
    }
}
