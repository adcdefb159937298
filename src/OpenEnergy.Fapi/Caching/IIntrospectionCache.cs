using OpenEnergy.Fapi.Introspection;

namespace OpenEnergy.Fapi.Caching;

/// <summary>
/// Where introspection answers are kept between requests. The default is the in-process
/// <see cref="IntrospectionCache"/>; a shared (distributed) store can implement this seam later without
/// changing the validator. Implementations key by <see cref="TokenHash"/> only and must honour the lifetime
/// rules: active answers until min(<c>exp</c>, now + <c>CacheDuration</c>), inactive ones briefly, never faults.
/// </summary>
internal interface IIntrospectionCache
{
    /// <summary>The number of entries (for tests and diagnostics).</summary>
    long Count { get; }

    /// <summary>Finds an answer still within its lifetime at <paramref name="now"/>.</summary>
    bool TryGet(TokenHash key, DateTimeOffset now, out IntrospectionResult result);

    /// <summary>Keeps an answer for as long as the rules allow.</summary>
    void Set(TokenHash key, IntrospectionResult result);
}
