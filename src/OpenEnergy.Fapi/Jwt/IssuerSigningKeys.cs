using System.Buffers;
using System.Diagnostics;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenEnergy.Fapi.Configuration;
using OpenEnergy.Fapi.Diagnostics;
using OpenEnergy.Fapi.Introspection;

namespace OpenEnergy.Fapi.Jwt;

/// <summary>
/// The issuer's public signing keys, from the <c>jwks_uri</c> its discovery document names, fetched with the same
/// mutual TLS and trust as introspection. Fetched on first use and shared by concurrent callers; refreshed in the
/// background after <c>JwksAutomaticRefreshInterval</c>; refreshed at once when a token names an unknown <c>kid</c>,
/// but at most once per <c>JwksRefreshInterval</c>, so invented key ids cost one fetch per interval. A failed fetch
/// keeps the keys already held (an unknown <c>kid</c> is then <see cref="KeyLookupKind.UnknownWhileStale"/>); with
/// none held, lookups answer <see cref="KeyLookupKind.Unavailable"/> (503) and a new fetch is tried after
/// <c>RetryAfter</c>.
/// </summary>
internal sealed class IssuerSigningKeys
{
    private static readonly MediaTypeWithQualityHeaderValue AcceptKeySet = new("application/jwk-set+json");
    private static readonly MediaTypeWithQualityHeaderValue AcceptJson = new("application/json", 0.9);

    private readonly IHttpClientFactory _httpClientFactory;
    private readonly AuthorizationServerMetadataProvider _metadata;
    private readonly AuthorizationServerResilience _resilience;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly FapiMetrics _metrics;
    private readonly TimeSpan _timeout;
    private readonly TimeSpan _unknownKeyRefreshInterval;
    private readonly TimeSpan _automaticRefreshInterval;
    private readonly TimeSpan _retryAfterFailure;
    private readonly Lock _gate = new();
    private IssuerKeySet? _current;
    private Task<IssuerKeySet?>? _pending;
    private DateTimeOffset? _lastFetchStarted;
    private bool _lastFetchFailed;

    public IssuerSigningKeys(IHttpClientFactory httpClientFactory, AuthorizationServerMetadataProvider metadata, AuthorizationServerResilience resilience, IOptions<FapiOptions> options, TimeProvider time, ILogger<IssuerSigningKeys> logger, FapiMetrics metrics)
    {
        FapiOptions o = options.Value;
        _httpClientFactory = httpClientFactory;
        _metadata = metadata;
        _resilience = resilience;
        _time = time;
        _logger = logger;
        _metrics = metrics;
        _timeout = o.IntrospectionTimeout;
        _unknownKeyRefreshInterval = o.JwksRefreshInterval;
        _automaticRefreshInterval = o.JwksAutomaticRefreshInterval;
        _retryAfterFailure = o.RetryAfter;
    }

    /// <summary>The fetch under way, or a completed task (for tests: a scheduled refresh runs in the background).</summary>
    internal Task PendingFetch
    {
        get
        {
            lock (_gate)
            {
                return _pending ?? Task.CompletedTask;
            }
        }
    }

    /// <summary>Whether the last fetch of the key set failed (for health).</summary>
    public bool LastFetchFailed => Volatile.Read(ref _lastFetchFailed);

    /// <summary>The keys held now (for tests and health); <see langword="null"/> before the first successful fetch.</summary>
    public IssuerKeySet? Current => Volatile.Read(ref _current);

    /// <summary>The keys published under <paramref name="keyId"/>, fetching or refreshing the set as the rules allow.</summary>
    /// <param name="keyId">The token header's <c>kid</c>.</param>
    /// <param name="cancellationToken">The waiting request's abort signal (a fetch under way continues for the others).</param>
    public async ValueTask<KeyLookup> FindAsync(string keyId, CancellationToken cancellationToken)
    {
        DateTimeOffset now = _time.GetUtcNow();
        IssuerKeySet? set = Volatile.Read(ref _current);
        if (set is null)
        {
            Task<IssuerKeySet?>? first = StartFetch(now, _retryAfterFailure, "initial");
            set = first is null ? null : await first.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (set is null)
            {
                return KeyLookup.Unavailable;
            }
        }
        else if (now - set.FetchedAt >= _automaticRefreshInterval)
        {
            // The held keys stay good while the new copy is fetched: no request waits for a scheduled refresh.
            _ = StartFetch(now, _unknownKeyRefreshInterval, "scheduled");
        }

        if (set.Find(keyId) is { } keys)
        {
            return KeyLookup.Found(keys);
        }

        // An unknown kid: the issuer may have rotated its keys. One fetch per interval, shared by every waiter.
        if (StartFetch(now, _unknownKeyRefreshInterval, "unknown_kid") is { } refresh)
        {
            set = await refresh.WaitAsync(cancellationToken).ConfigureAwait(false) ?? set;
            if (set.Find(keyId) is { } rotated)
            {
                return KeyLookup.Found(rotated);
            }
        }

        // Unknown to a set fetched just now is unknown; unknown to a set we failed to refresh may be a rotated key.
        return Volatile.Read(ref _lastFetchFailed) ? KeyLookup.Stale : KeyLookup.Unknown;
    }

    /// <summary>The fetch under way, or a new one if the last started at least <paramref name="minimumGap"/> ago; else <see langword="null"/>.</summary>
    private Task<IssuerKeySet?>? StartFetch(DateTimeOffset now, TimeSpan minimumGap, string trigger)
    {
        lock (_gate)
        {
            if (_pending is not null)
            {
                return _pending;
            }

            if (_lastFetchStarted is { } last && now - last < minimumGap)
            {
                return null;
            }

            _lastFetchStarted = now;
            return _pending = FetchAsync(trigger);
        }
    }

    private async Task<IssuerKeySet?> FetchAsync(string trigger)
    {
        // Off the caller's stack, so the lock above is never held across the fetch.
        await Task.Yield();
        IssuerKeySet? set = null;
        using Activity? activity = FapiTracing.Source.StartActivity(FapiTracing.KeySet, ActivityKind.Client);
        try
        {
            using var timeout = new CancellationTokenSource(_timeout, _time);
            set = await DownloadAsync(timeout.Token).ConfigureAwait(false);
            Volatile.Write(ref _current, set);
            activity?.SetTag(FapiTracing.OutcomeTag, "fetched").SetTag(FapiTracing.KeyCountTag, set.Count);
        }
#pragma warning disable CA1031 // Fail closed: a fault leaves the held keys (or none, which is a 503), never an exception.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            string reason = ex switch
            {
                OperationCanceledException => "timed out",
                AuthorizationServerUnavailableException or FormatException => ex.Message,
                _ => $"{ex.GetType().Name}: {ex.InnerException?.Message ?? ex.Message}",
            };
            activity?.SetTag(FapiTracing.OutcomeTag, "failed").SetStatus(ActivityStatusCode.Error, reason);
            _logger.KeySetFetchFailed(reason, Current is null
                ? "No keys are held: requests with JWTs get 503 until a fetch succeeds."
                : "The keys fetched before are still used.");
        }
        finally
        {
            Volatile.Write(ref _lastFetchFailed, set is null);
            _metrics.KeySetFetched(trigger, set is null ? "failed" : "fetched");
            lock (_gate)
            {
                _pending = null;
            }
        }

        return set;
    }

    private async Task<IssuerKeySet> DownloadAsync(CancellationToken cancellationToken)
    {
        AuthorizationServerEndpoints endpoints = await _metadata.GetAsync(cancellationToken).ConfigureAwait(false);
        Uri url = endpoints.JwksUri ?? throw new AuthorizationServerUnavailableException("the discovery document names no jwks_uri");
        HttpClient client = _httpClientFactory.CreateClient(FapiDefaults.HttpClientName);
        using HttpResponseMessage response = await _resilience.Discovery.ExecuteAsync(
            static async (call, ct) =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, call.Url);
                request.Headers.Accept.Add(AcceptKeySet);
                request.Headers.Accept.Add(AcceptJson);
                return await call.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            },
            (Client: client, Url: url),
            cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new AuthorizationServerUnavailableException($"HTTP {(int)response.StatusCode} from {url}");
        }

        (byte[] buffer, int length) = await ResponseReader.ReadBoundedAsync(response.Content, cancellationToken).ConfigureAwait(false);
        try
        {
            IssuerKeySet set = IssuerKeySet.Parse(buffer.AsSpan(0, length), _time.GetUtcNow());
            if (set.Count == 0)
            {
                throw new FormatException($"the key set at {url} has no usable signing key ({set.Skipped} left out)");
            }

            _logger.KeySetFetched(url, set.Count, string.Join(", ", set.KeyIds), set.Skipped);
            return set;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
