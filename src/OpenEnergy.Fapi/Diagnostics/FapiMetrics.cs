using System.Diagnostics.Metrics;

namespace OpenEnergy.Fapi.Diagnostics;

/// <summary>
/// The validator's instruments, on the meter <see cref="FapiDefaults.MeterName"/>: validations by outcome, introspection
/// calls by outcome and their duration, cache hits and misses by level (<c>l1</c> in process, <c>l2</c> shared), and
/// the shared cache's integrity rejections and faults. The names are part of the public contract (see the README).
/// </summary>
internal sealed class FapiMetrics : IDisposable
{
    private readonly Meter _meter;
    private readonly Counter<long> _validations;
    private readonly Counter<long> _introspections;
    private readonly Counter<long> _cacheHits;
    private readonly Counter<long> _cacheMisses;
    private readonly Counter<long> _sharedCacheRejections;
    private readonly Counter<long> _sharedCacheFaults;
    private readonly Counter<long> _sharedCacheWrites;
    private readonly Histogram<double> _introspectionDuration;
    private readonly Counter<long> _keySetFetches;
    private readonly Counter<long> _localValidations;

    public FapiMetrics(IMeterFactory? meterFactory)
    {
        _meter = meterFactory?.Create(FapiDefaults.MeterName) ?? new Meter(FapiDefaults.MeterName);
        _validations = _meter.CreateCounter<long>("openenergy.fapi.validations", description: "Requests validated, by outcome.");
        _introspections = _meter.CreateCounter<long>("openenergy.fapi.introspections", description: "Introspection calls made, by outcome.");
        _cacheHits = _meter.CreateCounter<long>("openenergy.fapi.cache_hits", description: "Introspection answers found in the cache, by level (l1 in process, l2 shared).");
        _cacheMisses = _meter.CreateCounter<long>("openenergy.fapi.cache_misses", description: "Introspection answers not found in the cache, by level (l1 in process, l2 shared).");
        _sharedCacheRejections = _meter.CreateCounter<long>("openenergy.fapi.shared_cache.integrity_rejections", description: "Shared-cache entries ignored because their integrity check failed.");
        _sharedCacheWrites = _meter.CreateCounter<long>("openenergy.fapi.shared_cache.writes", description: "Entries written to the shared cache.");
        _sharedCacheFaults = _meter.CreateCounter<long>("openenergy.fapi.shared_cache.faults", description: "Shared-cache reads and writes that failed, timed out or were dropped, by operation and reason.");
        _keySetFetches = _meter.CreateCounter<long>("openenergy.fapi.jwks.fetches", description: "Fetches of the issuer's key set, by trigger (initial, unknown_kid, scheduled) and outcome.");
        _localValidations = _meter.CreateCounter<long>("openenergy.fapi.jwt.validations", description: "JWT access tokens checked locally (signature and claims), by outcome.");
        _introspectionDuration = _meter.CreateHistogram<double>("openenergy.fapi.introspection.duration", unit: "s", description: "Duration of introspection calls.");
    }

    public void Validated(string outcome) => _validations.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void Introspected(string outcome, TimeSpan elapsed)
    {
        _introspections.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
        _introspectionDuration.Record(elapsed.TotalSeconds);
    }

    public void CacheHit(string level) => _cacheHits.Add(1, new KeyValuePair<string, object?>("level", level));

    public void CacheMiss(string level) => _cacheMisses.Add(1, new KeyValuePair<string, object?>("level", level));

    public void SharedCacheEntryRejected() => _sharedCacheRejections.Add(1);

    public void SharedCacheWritten() => _sharedCacheWrites.Add(1);

    public void SharedCacheFault(string operation, string reason)
        => _sharedCacheFaults.Add(1, new KeyValuePair<string, object?>("operation", operation), new KeyValuePair<string, object?>("reason", reason));

    public void KeySetFetched(string trigger, string outcome)
        => _keySetFetches.Add(1, new KeyValuePair<string, object?>("trigger", trigger), new KeyValuePair<string, object?>("outcome", outcome));

    public void JwtValidated(string outcome) => _localValidations.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void Dispose() => _meter.Dispose();
}
