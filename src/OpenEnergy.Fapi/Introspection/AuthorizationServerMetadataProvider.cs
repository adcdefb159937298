using System.Buffers;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenEnergy.Fapi.Configuration;
using OpenEnergy.Fapi.Diagnostics;

namespace OpenEnergy.Fapi.Introspection;

/// <summary>
/// Finds the introspection endpoint, the issuer and, when signatures are checked, the key set's URL: OpenID
/// discovery at <c>{Issuer}/.well-known/openid-configuration</c>, preferring <c>mtls_endpoint_aliases</c>; a
/// configured <c>IntrospectionEndpoint</c> and <c>ExpectedIssuer</c> win over what discovery says (and make discovery
/// unnecessary unless the key set is needed). Fetched on first use, shared by concurrent callers, refreshed after
/// <c>DiscoveryRefreshInterval</c>; a failure is retried on the next request (an outage at start-up needs no
/// restart), and a refresh failure keeps the old document.
/// </summary>
internal sealed class AuthorizationServerMetadataProvider
{
    private readonly IHttpClientFactory _httpClientFactory;
    private readonly AuthorizationServerResilience _resilience;
    private readonly FapiOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Uri? _discoveryUrl;
    private readonly AuthorizationServerEndpoints? _configured;
    private readonly Uri? _configuredIntrospection;
    private readonly Lock _gate = new();
    private AuthorizationServerEndpoints? _discovered;
    private DateTimeOffset _discoveredAt;
    private Task<AuthorizationServerEndpoints>? _pending;

    public AuthorizationServerMetadataProvider(IHttpClientFactory httpClientFactory, AuthorizationServerResilience resilience, IOptions<FapiOptions> options, TimeProvider time, ILogger<AuthorizationServerMetadataProvider> logger)
    {
        _resilience = resilience;
        _httpClientFactory = httpClientFactory;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _configuredIntrospection = string.IsNullOrWhiteSpace(_options.IntrospectionEndpoint) ? null : new Uri(_options.IntrospectionEndpoint);
        if (_configuredIntrospection is not null && !_options.UsesSigningKeys)
        {
            _configured = new AuthorizationServerEndpoints(_configuredIntrospection, NullIfEmpty(_options.ExpectedIssuer));
        }
        else
        {
            _discoveryUrl = new Uri(_options.Issuer!.TrimEnd('/') + "/.well-known/openid-configuration");
        }
    }

    /// <summary>The endpoints; throws <see cref="AuthorizationServerUnavailableException"/> when discovery fails and nothing was found before.</summary>
    public async ValueTask<AuthorizationServerEndpoints> GetAsync(CancellationToken cancellationToken)
    {
        if (_configured is not null)
        {
            return _configured;
        }

        AuthorizationServerEndpoints? current = Volatile.Read(ref _discovered);
        if (current is not null && _time.GetUtcNow() - _discoveredAt < _options.DiscoveryRefreshInterval)
        {
            return current;
        }

        Task<AuthorizationServerEndpoints> fetch;
        lock (_gate)
        {
            fetch = _pending ??= FetchAsync();
        }

        try
        {
            return await fetch.WaitAsync(cancellationToken);
        }
        catch (AuthorizationServerUnavailableException) when (current is not null)
        {
            _logger.DiscoveryStale(_discoveredAt);
            return current;
        }
    }

    private async Task<AuthorizationServerEndpoints> FetchAsync()
    {
        // Shared by every waiter, so bounded by its own timeout rather than by any one caller's token.
        using var timeout = new CancellationTokenSource(_options.IntrospectionTimeout, _time);
        using Activity? activity = FapiTracing.Source.StartActivity(FapiTracing.Discovery, ActivityKind.Client);
        activity?.SetTag(FapiTracing.UrlTag, _discoveryUrl!.ToString());
        try
        {
            AuthorizationServerEndpoints endpoints = await DiscoverAsync(_discoveryUrl!, timeout.Token);
            activity?.SetTag(FapiTracing.OutcomeTag, "fetched");
            _discoveredAt = _time.GetUtcNow();
            Volatile.Write(ref _discovered, endpoints);
            _logger.Discovered(endpoints.IntrospectionEndpoint, endpoints.ExpectedIssuer, endpoints.JwksUri);
            return endpoints;
        }
        catch (Exception ex) when (ex is not AuthorizationServerUnavailableException)
        {
            string reason = ex is OperationCanceledException ? "timed out" : $"{ex.GetType().Name}: {ex.Message}";
            activity?.SetTag(FapiTracing.OutcomeTag, "failed").SetStatus(ActivityStatusCode.Error, reason);
            _logger.DiscoveryFailed(_discoveryUrl!, reason);
            throw new AuthorizationServerUnavailableException("discovery failed: " + reason, ex);
        }
        catch (AuthorizationServerUnavailableException ex)
        {
            activity?.SetTag(FapiTracing.OutcomeTag, "failed").SetStatus(ActivityStatusCode.Error, ex.Message);
            _logger.DiscoveryFailed(_discoveryUrl!, ex.Message);
            throw;
        }
        finally
        {
            lock (_gate)
            {
                _pending = null;
            }
        }
    }

    private async Task<AuthorizationServerEndpoints> DiscoverAsync(Uri url, CancellationToken cancellationToken)
    {
        HttpClient client = _httpClientFactory.CreateClient(FapiDefaults.HttpClientName);
        using HttpResponseMessage response = await _resilience.Discovery.ExecuteAsync(
            static async (call, ct) =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, call.Url);
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                return await call.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            },
            (Client: client, Url: url),
            cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new AuthorizationServerUnavailableException($"HTTP {(int)response.StatusCode}");
        }

        (byte[] buffer, int length) = await ResponseReader.ReadBoundedAsync(response.Content, cancellationToken);
        DiscoveryDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(buffer.AsSpan(0, length), FapiJsonContext.Default.DiscoveryDocument);
        }
        catch (JsonException ex)
        {
            throw new AuthorizationServerUnavailableException("the discovery document is not valid JSON", ex);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        Uri? introspection = _configuredIntrospection
            ?? DiscoveredUrl(NullIfEmpty(document?.MtlsEndpointAliases?.IntrospectionEndpoint) ?? document?.IntrospectionEndpoint, "introspection_endpoint");
        if (introspection is null && _options.EffectiveAccessTokenFormat != AccessTokenFormat.Jwt)
        {
            throw new AuthorizationServerUnavailableException("the discovery document names no introspection_endpoint");
        }

        Uri? jwks = null;
        if (_options.UsesSigningKeys)
        {
            jwks = DiscoveredUrl(document?.JwksUri, "jwks_uri")
                ?? throw new AuthorizationServerUnavailableException("the discovery document names no jwks_uri, so signatures cannot be checked");
        }

        // ExpectedIssuer belongs with a configured endpoint; otherwise the document names its own issuer.
        string? configuredIssuer = _configuredIntrospection is null ? null : NullIfEmpty(_options.ExpectedIssuer);
        string? issuer = configuredIssuer ?? NullIfEmpty(document?.Issuer);
        if (issuer is null && _options.UsesSigningKeys)
        {
            throw new AuthorizationServerUnavailableException("the discovery document names no issuer, which signed tokens must carry as iss");
        }

        return new AuthorizationServerEndpoints(introspection, issuer, jwks);
    }

    private Uri? DiscoveredUrl(string? value, string member)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out Uri? url))
        {
            throw new AuthorizationServerUnavailableException($"the discovered {member} is not an absolute URL");
        }

        if (url.Scheme != Uri.UriSchemeHttps && !(_options.AllowInsecureHttp && url.Scheme == Uri.UriSchemeHttp))
        {
            throw new AuthorizationServerUnavailableException($"the discovered {member} is not https");
        }

        return url;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
