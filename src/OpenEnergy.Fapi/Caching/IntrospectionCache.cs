using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using OpenEnergy.Fapi.Configuration;
using OpenEnergy.Fapi.Diagnostics;
using OpenEnergy.Fapi.Introspection;

namespace OpenEnergy.Fapi.Caching;

/// <summary>
/// Introspection answers by token hash. First level: the library's own size-bounded <see cref="MemoryCache"/>
/// (never the application's shared one). Second level, when registered: <see cref="SharedIntrospectionCache"/>,
/// for active, well-formed, certificate-bound answers only (an inactive answer removes the shared entry). An
/// active answer lives until min(<c>exp</c>, now + <c>CacheDuration</c>); an inactive one for
/// <c>InactiveCacheDuration</c>, locally. A first-level copy of a shared entry expires when the shared entry does. Lifetimes are checked against <see cref="TimeProvider"/> on
/// every read, so a stale entry is never served even before the cache evicts it.
/// </summary>
internal sealed class IntrospectionCache : IIntrospectionCache, IDisposable
{
    private const string FirstLevel = "l1";
    private const string SecondLevel = "l2";

    private readonly MemoryCache _cache;
    private readonly SharedIntrospectionCache? _shared;
    private readonly TimeProvider _time;
    private readonly FapiMetrics _metrics;
    private readonly TimeSpan _activeLifetime;
    private readonly TimeSpan _inactiveLifetime;

    public IntrospectionCache(IOptions<FapiOptions> options, TimeProvider time, FapiMetrics metrics, SharedIntrospectionCache? shared = null)
    {
        FapiOptions o = options.Value;
        _time = time;
        _metrics = metrics;
        _shared = shared;
        _activeLifetime = o.CacheDuration;
        _inactiveLifetime = o.InactiveCacheDuration;
        _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = o.CacheSizeLimit, CompactionPercentage = 0.10, Clock = new TimeProviderClock(time) });
    }

    /// <summary>The number of first-level entries (for tests and diagnostics).</summary>
    public long Count => _cache.Count;

    public bool TryGetLocal(TokenHash key, DateTimeOffset now, out IntrospectionResult result)
    {
        if (_cache.TryGetValue(key, out Entry? entry) && entry is not null)
        {
            if (now < entry.ValidUntil)
            {
                result = entry.Result;
                return true;
            }

            _cache.Remove(key);
        }

        result = null!;
        return false;
    }

    public ValueTask<IntrospectionResult?> GetAsync(TokenHash key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (TryGetLocal(key, now, out IntrospectionResult local))
        {
            _metrics.CacheHit(FirstLevel);
            return new(local);
        }

        _metrics.CacheMiss(FirstLevel);
        return _shared is null ? default : GetSharedAsync(key, now, cancellationToken);
    }

    public void Set(TokenHash key, IntrospectionResult result)
    {
        DateTimeOffset now = _time.GetUtcNow();
        DateTimeOffset validUntil = now + (result.Active ? _activeLifetime : _inactiveLifetime);
        if (result.ExpiresAt is { } exp && exp < validUntil)
        {
            validUntil = exp;
        }

        if (validUntil <= now)
        {
            return;
        }

        SetLocal(key, result, validUntil, now);
        if (_shared is null)
        {
            return;
        }

        if (IsShareable(result))
        {
            _shared.Write(key, result, validUntil, now);
        }
        else if (!result.Active)
        {
            // The authorization server says no: an active entry another instance shared is stale.
            _shared.Remove(key);
        }
    }

    public void Dispose() => _cache.Dispose();

    /// <summary>
    /// Only answers that can be accepted go to the fleet: active, every member well typed, the expected issuer,
    /// bound to a certificate. Refusals stay local, so a shared entry is never a way to spread a bad answer.
    /// </summary>
    private static bool IsShareable(IntrospectionResult result)
        => result is { Active: true, MalformedMember: null, IssuerMismatch: false, Binding: CertificateBinding.Bound };

    private async ValueTask<IntrospectionResult?> GetSharedAsync(TokenHash key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (await _shared!.GetAsync(key, now, cancellationToken).ConfigureAwait(false) is not { } hit)
        {
            _metrics.CacheMiss(SecondLevel);
            return null;
        }

        _metrics.CacheHit(SecondLevel);
        // The copy expires with the shared entry (held to this instance's CacheDuration from when it was written).
        SetLocal(key, hit.Result, hit.ValidUntil, now);
        return hit.Result;
    }

    private void SetLocal(TokenHash key, IntrospectionResult result, DateTimeOffset validUntil, DateTimeOffset now)
    {
        using ICacheEntry entry = _cache.CreateEntry(key);
        entry.Value = new Entry(result, validUntil);
        entry.Size = 1;
        entry.AbsoluteExpirationRelativeToNow = validUntil - now;
    }

    private sealed record Entry(IntrospectionResult Result, DateTimeOffset ValidUntil);
}
