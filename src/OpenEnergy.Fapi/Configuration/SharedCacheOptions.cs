namespace OpenEnergy.Fapi.Configuration;

/// <summary>
/// Settings of the shared (second-level) introspection cache, bound from <c>OpenEnergy:Fapi:SharedCache</c>. A
/// fleet of provider instances that share one store asks the authorization server about a token once instead of
/// once per instance. The store is plugged in with <c>AddSharedCache</c> (any <c>IDistributedCache</c>) or, from
/// the OpenEnergy.Fapi.Redis package, <c>AddRedisSharedCache</c>; these settings are read only then.
/// </summary>
public sealed class SharedCacheOptions
{
    /// <summary>The default <see cref="KeyPrefix"/>.</summary>
    public const string DefaultKeyPrefix = "oefapi:";

    /// <summary>The fewest bytes of <see cref="IntegrityKey"/>.</summary>
    public const int MinIntegrityKeyBytes = 32;

    /// <summary>
    /// A StackExchange.Redis configuration string (<c>host:port,password=…,ssl=true</c>), read by
    /// <c>AddRedisSharedCache</c> from the OpenEnergy.Fapi.Redis package. Setting it without that package's
    /// registration is a start-up error, so a shared cache is never silently off.
    /// </summary>
    public string? Redis { get; set; }

    /// <summary>
    /// Base64 of at least 32 random bytes (<c>openssl rand -base64 32</c>), the same on every instance of the fleet.
    /// Every entry carries an HMAC-SHA256 under this key over its contents, its own cache key and its expiry; an
    /// entry that does not verify is a cache miss. Required whenever a shared cache is registered. Anyone holding
    /// it and write access to the store can forge cache entries: keep it as secret as the transport key.
    /// </summary>
    public string? IntegrityKey { get; set; }

    /// <summary>Put before every key this library writes, so several deployments can share one store. Default <c>oefapi:</c>.</summary>
    public string KeyPrefix { get; set; } = DefaultKeyPrefix;

    /// <summary>
    /// The longest one read from the shared store may take; a slower read counts as a miss (the authorization
    /// server is asked instead). Default 250 ms; at most 5 s.
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMilliseconds(250);
}
