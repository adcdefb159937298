using System.Diagnostics.Metrics;

namespace OpenEnergy.Fapi.Diagnostics;

/// <summary>
/// The validator's instruments, on the meter <see cref="FapiDefaults.MeterName"/>: validations by outcome, introspection
/// calls by outcome and their duration, and cache hits.
/// </summary>
internal sealed class FapiMetrics : IDisposable
{
    private readonly Meter _meter;
    private readonly Counter<long> _validations;
    private readonly Counter<long> _introspections;
    private readonly Counter<long> _cacheHits;
    private readonly Histogram<double> _introspectionDuration;

    public FapiMetrics(IMeterFactory? meterFactory)
    {
        _meter = meterFactory?.Create(FapiDefaults.MeterName) ?? new Meter(FapiDefaults.MeterName);
        _validations = _meter.CreateCounter<long>("openenergy.fapi.validations", description: "Requests validated, by outcome.");
        _introspections = _meter.CreateCounter<long>("openenergy.fapi.introspections", description: "Introspection calls made, by outcome.");
        _cacheHits = _meter.CreateCounter<long>("openenergy.fapi.cache_hits", description: "Validations answered from the introspection cache.");
        _introspectionDuration = _meter.CreateHistogram<double>("openenergy.fapi.introspection.duration", unit: "s", description: "Duration of introspection calls.");
    }

    public void Validated(string outcome) => _validations.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void Introspected(string outcome, TimeSpan elapsed)
    {
        _introspections.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
        _introspectionDuration.Record(elapsed.TotalSeconds);
    }

    public void CacheHit() => _cacheHits.Add(1);

    public void Dispose() => _meter.Dispose();
}
