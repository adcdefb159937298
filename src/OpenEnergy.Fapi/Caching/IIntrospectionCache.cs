using OpenEnergy.Fapi.Introspection;

namespace OpenEnergy.Fapi.Caching;

/// <summary>
/// Where introspection answers are kept between requests: the in-process first level and, when one is registered,
/// the shared second level. Asynchronous because the second level is across the network; a first-level hit
/// completes synchronously. Keys are <see cref="TokenHash"/> only. Lifetimes: an active answer until
/// min(<c>exp</c>, now + <c>CacheDuration</c>) in both levels, an inactive one briefly and in this process only.
/// A level's fault is a miss, never an exception.
/// </summary>
internal interface IIntrospectionCache
{
    /// <summary>The number of first-level entries (for tests and diagnostics).</summary>
    long Count { get; }

    /// <summary>Looks in the first level only (no I/O), for the coordinator's re-checks.</summary>
    bool TryGetLocal(TokenHash key, DateTimeOffset now, out IntrospectionResult result);

    /// <summary>Looks in the first level, then in the shared one; null when neither has an answer in date at <paramref name="now"/>.</summary>
    ValueTask<IntrospectionResult?> GetAsync(TokenHash key, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Keeps an answer for as long as the rules allow, in both levels when it may be shared.</summary>
    void Set(TokenHash key, IntrospectionResult result);
}
