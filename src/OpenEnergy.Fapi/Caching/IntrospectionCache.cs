using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using OpenEnergy.Fapi.Configuration;
using OpenEnergy.Fapi.Introspection;

namespace OpenEnergy.Fapi.Caching;

/// <summary>
/// Introspection answers by token hash, in the library's own size-bounded <see cref="MemoryCache"/> (never the
/// application's shared one). An active answer lives until min(<c>exp</c>, now + <c>CacheDuration</c>); an
/// inactive one for <c>InactiveCacheDuration</c>. Lifetimes are checked against <see cref="TimeProvider"/> on
/// every read, so a stale entry is never served even before the cache evicts it.
/// </summary>
internal sealed class IntrospectionCache : IIntrospectionCache, IDisposable
{
    private readonly MemoryCache _cache;
    private readonly TimeProvider _time;
    private readonly TimeSpan _activeLifetime;
    private readonly TimeSpan _inactiveLifetime;

    public IntrospectionCache(IOptions<FapiOptions> options, TimeProvider time)
    {
        FapiOptions o = options.Value;
        _time = time;
        _activeLifetime = o.CacheDuration;
        _inactiveLifetime = o.InactiveCacheDuration;
        _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = o.CacheSizeLimit, CompactionPercentage = 0.10, Clock = new TimeProviderClock(time) });
    }

    /// <summary>The number of entries (for tests and diagnostics).</summary>
    public long Count => _cache.Count;

    public bool TryGet(TokenHash key, DateTimeOffset now, out IntrospectionResult result)
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

    public void Set(TokenHash key, IntrospectionResult result)
    {
        DateTimeOffset now = _time.GetUtcNow();
        DateTimeOffset validUntil = now + (result.Active ? _activeLifetime : _inactiveLifetime);
        if (result.ExpiresAt is { } exp && exp < validUntil)
        {
            validUntil = exp;
        }

        TimeSpan lifetime = validUntil - now;
        if (lifetime <= TimeSpan.Zero)
        {
            return;
        }

        using ICacheEntry entry = _cache.CreateEntry(key);
        entry.Value = new Entry(result, validUntil);
        entry.Size = 1;
        entry.AbsoluteExpirationRelativeToNow = lifetime;
    }

    public void Dispose() => _cache.Dispose();

    private sealed record Entry(IntrospectionResult Result, DateTimeOffset ValidUntil);
}
