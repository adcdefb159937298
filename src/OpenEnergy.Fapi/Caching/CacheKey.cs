namespace OpenEnergy.Fapi.Caching;

/// <summary>
/// A <see cref="TokenHash"/> as a <see cref="Microsoft.Extensions.Caching.Memory.MemoryCache"/> key. Stored keys
/// are immutable; <see cref="Probe"/> hands out a per-thread instance for lookups only, so that a cache hit
/// allocates nothing.
/// </summary>
internal sealed class CacheKey : IEquatable<CacheKey>
{
    [ThreadStatic]
    private static CacheKey? s_probe;

    public CacheKey(TokenHash hash) => Hash = hash;

    public TokenHash Hash { get; private set; }

    /// <summary>The calling thread's lookup key, set to <paramref name="hash"/>. Never store it.</summary>
    public static CacheKey Probe(TokenHash hash)
    {
        CacheKey probe = s_probe ??= new CacheKey(default);
        probe.Hash = hash;
        return probe;
    }

    public bool Equals(CacheKey? other) => other is not null && Hash.Equals(other.Hash);

    public override bool Equals(object? obj) => obj is CacheKey other && Equals(other);

    public override int GetHashCode() => Hash.GetHashCode();

    public override string ToString() => Hash.ToString();
}
