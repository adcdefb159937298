using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using OpenEnergy.Fapi.Client.Configuration;
using OpenEnergy.Fapi.Client.Diagnostics;
using OpenEnergy.Fapi.Client.Http;

namespace OpenEnergy.Fapi.Client.Tokens;

/// <summary>
/// One client's access tokens: <c>client_credentials</c> with <c>tls_client_auth</c> at the token endpoint that
/// discovery names (its <c>mtls_endpoint_aliases</c> entry first), cached until <c>TokenRefreshBefore</c> ahead of
/// <c>expires_in</c>, one request in flight for every caller, each request bounded by <c>Timeout</c>.
/// </summary>
internal sealed class AccessTokenSource
{
    private const int MaxResponseBytes = 64 * 1024;

    private static readonly TimeSpan UnknownLifetime = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan LongestLifetime = TimeSpan.FromHours(24);
    private static readonly TimeSpan DiscoveryLifetime = TimeSpan.FromHours(1);

    /// <summary>After a failed token request, callers get the same failure for this long instead of a new request.</summary>
    private static readonly TimeSpan FailureHold = TimeSpan.FromSeconds(2);

    /// <summary>A token younger than this is not replaced because a provider refused it (a provider refusing every token must not drive a request per call).</summary>
    private static readonly TimeSpan YoungestReplaced = TimeSpan.FromSeconds(1);

    private readonly string _name;
    private readonly FapiClientOptions _options;
    private readonly IHttpClientFactory _httpClientFactory;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Uri _discoveryUrl;
    private readonly Lock _gate = new();
    private AccessToken? _current;
    private DateTimeOffset _obtainedAt;
    private Task<AccessToken>? _pending;
    private (FapiTokenRequestException Failure, DateTimeOffset Until)? _failure;
    private (Uri Endpoint, DateTimeOffset FetchedAt)? _endpoint;

    public AccessTokenSource(string name, FapiClientOptions options, IHttpClientFactory httpClientFactory, TimeProvider time, ILogger logger)
    {
        _name = name;
        _options = options;
        _httpClientFactory = httpClientFactory;
        _time = time;
        _logger = logger;
        _discoveryUrl = new Uri(options.Issuer!.TrimEnd('/') + "/.well-known/openid-configuration");
    }

    /// <summary>The token held now, with what the endpoint said about it (for the command-line tool).</summary>
    public AccessToken? Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    /// <summary>The name of the <see cref="HttpClient"/> that talks to the authorization server for client <paramref name="name"/>.</summary>
    public static string AuthorizationServerClientName(string name) => "OpenEnergy.Fapi.Client.AuthorizationServer:" + name;

    /// <summary>A token to send: the cached one unless it is due for replacement or is <paramref name="rejected"/>.</summary>
    /// <param name="rejected">A token a provider refused as <c>invalid_token</c>: never handed out again.</param>
    /// <param name="cancellationToken">The caller's signal (a request under way continues for the others).</param>
    /// <exception cref="FapiTokenRequestException">No token could be obtained.</exception>
    public async ValueTask<string> GetAsync(string? rejected, CancellationToken cancellationToken)
    {
        Task<AccessToken> request;
        lock (_gate)
        {
            DateTimeOffset now = _time.GetUtcNow();
            if (_current is { } current && now < current.RefreshAt
                && (current.Value != rejected || now - _obtainedAt < YoungestReplaced))
            {
                return current.Value;
            }

            if (_pending is null && _failure is { } failed && now < failed.Until)
            {
                throw new FapiTokenRequestException(failed.Failure.Message, failed.Failure.StatusCode, failed.Failure.Error, failed.Failure.ErrorDescription, failed.Failure);
            }

            request = _pending ??= RequestAsync();
        }

        return (await request.WaitAsync(cancellationToken).ConfigureAwait(false)).Value;
    }

    private async Task<AccessToken> RequestAsync()
    {
        await Task.Yield();
        try
        {
            using var timeout = new CancellationTokenSource(_options.Timeout, _time);
            AccessToken token;
            try
            {
                token = await RequestTokenAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException ex) when (timeout.IsCancellationRequested)
            {
                throw new FapiTokenRequestException($"The authorization server at {_options.Issuer} did not answer within {_options.Timeout.TotalSeconds:0.#} s (OpenEnergy.Fapi client '{_name}').", inner: ex);
            }
            catch (Exception ex) when (ex is not FapiTokenRequestException)
            {
                string reason = ex is HttpRequestException ? ex.InnerException?.Message ?? ex.Message : $"{ex.GetType().Name}: {ex.Message}";
                throw new FapiTokenRequestException($"The authorization server at {_options.Issuer} could not be reached or gave no usable answer: {reason} (OpenEnergy.Fapi client '{_name}').", inner: ex);
            }

            lock (_gate)
            {
                _current = token;
                _obtainedAt = _time.GetUtcNow();
                _failure = null;
            }

            return token;
        }
        catch (FapiTokenRequestException ex)
        {
            _logger.TokenRequestFailed(_name, ex.Message);
            lock (_gate)
            {
                _failure = (ex, _time.GetUtcNow() + FailureHold);
            }

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

    private async Task<AccessToken> RequestTokenAsync(CancellationToken cancellationToken)
    {
        Uri endpoint = await TokenEndpointAsync(cancellationToken).ConfigureAwait(false);
        HttpClient client = _httpClientFactory.CreateClient(AuthorizationServerClientName(_name));
        var form = new List<KeyValuePair<string, string>>
        {
            new("grant_type", "client_credentials"),
            new("client_id", _options.ClientId!),
        };
        if (_options.Scopes.Count > 0)
        {
            form.Add(new("scope", string.Join(' ', _options.Scopes)));
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        DateTimeOffset asked = _time.GetUtcNow();
        using HttpResponseMessage response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
        using JsonDocument? body = await JsonBody.ReadObjectAsync(response.Content, MaxResponseBytes, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            string? error = JsonBody.Text(body, "error");
            string? description = JsonBody.Text(body, "error_description");
            throw new FapiTokenRequestException(
                $"The token endpoint {endpoint} refused the request with {(int)response.StatusCode} {error}{(description is null ? "" : ": " + description)} (OpenEnergy.Fapi client '{_name}'; check ClientId, the certificate's registration and Scopes).",
                response.StatusCode,
                error,
                description);
        }

        if (JsonBody.Text(body, "access_token") is not { Length: > 0 } value || !string.Equals(JsonBody.Text(body, "token_type"), "Bearer", StringComparison.OrdinalIgnoreCase))
        {
            throw new FapiTokenRequestException($"The token endpoint {endpoint} answered without a Bearer access_token (OpenEnergy.Fapi client '{_name}').", response.StatusCode);
        }

        // expires_in is trusted within reason: a day at most, whatever a server says.
        TimeSpan lifetime = body!.RootElement.TryGetProperty("expires_in", out JsonElement expiresIn) && expiresIn.TryGetInt64(out long seconds) && seconds > 0
            ? TimeSpan.FromSeconds(Math.Min(seconds, (long)LongestLifetime.TotalSeconds))
            : UnknownLifetime;
        // Replaced TokenRefreshBefore ahead of expiry, but never before half its life (short-lived tokens).
        TimeSpan ahead = TimeSpan.FromTicks(Math.Min(_options.TokenRefreshBefore.Ticks, lifetime.Ticks / 2));
        var token = new AccessToken(value, asked + lifetime - ahead, lifetime, JsonBody.Text(body, "scope"));
        _logger.TokenObtained(_name, endpoint, token.RefreshAt);
        return token;
    }

    private async Task<Uri> TokenEndpointAsync(CancellationToken cancellationToken)
    {
        if (_endpoint is { } known && _time.GetUtcNow() - known.FetchedAt < DiscoveryLifetime)
        {
            return known.Endpoint;
        }

        HttpClient client = _httpClientFactory.CreateClient(AuthorizationServerClientName(_name));
        using HttpResponseMessage response = await client.GetAsync(_discoveryUrl, cancellationToken).ConfigureAwait(false);
        using JsonDocument? document = await JsonBody.ReadObjectAsync(response.Content, MaxResponseBytes, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode || document is null)
        {
            throw new FapiTokenRequestException($"Discovery at {_discoveryUrl} failed with {(int)response.StatusCode} (OpenEnergy.Fapi client '{_name}').", response.StatusCode);
        }

        string? alias = document.RootElement.TryGetProperty("mtls_endpoint_aliases", out JsonElement aliases) && aliases.ValueKind == JsonValueKind.Object
            ? JsonBody.Text(aliases, "token_endpoint")
            : null;
        string? named = alias ?? JsonBody.Text(document.RootElement, "token_endpoint");
        if (named is null || !Uri.TryCreate(named, UriKind.Absolute, out Uri? endpoint) || endpoint.Scheme != Uri.UriSchemeHttps)
        {
            throw new FapiTokenRequestException($"The discovery document at {_discoveryUrl} names no https token_endpoint (OpenEnergy.Fapi client '{_name}').", response.StatusCode);
        }

        _endpoint = (endpoint, _time.GetUtcNow());
        _logger.TokenEndpointDiscovered(endpoint, _name);
        return endpoint;
    }
}
