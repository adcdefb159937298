namespace OpenEnergy.Fapi.Diagnostics;

/// <summary>
/// Lets one report through per interval and counts the ones held back, so a fault that hits every request
/// (a store that is down, a fleet with mismatched keys) writes one warning a minute, not one per request.
/// </summary>
internal sealed class LogThrottle
{
    private readonly TimeProvider _time;
    private readonly long _intervalTicks;
    private long _nextReportTicks = long.MinValue;
    private int _heldBack;

    public LogThrottle(TimeProvider time, TimeSpan interval)
    {
        _time = time;
        _intervalTicks = interval.Ticks;
    }

    /// <summary>Whether to report now; if so, <paramref name="heldBack"/> is how many were held back since the last report.</summary>
    public bool TryReport(out int heldBack)
    {
        long now = _time.GetUtcNow().UtcTicks;
        long next = Volatile.Read(ref _nextReportTicks);
        if (now >= next && Interlocked.CompareExchange(ref _nextReportTicks, now + _intervalTicks, next) == next)
        {
            heldBack = Interlocked.Exchange(ref _heldBack, 0);
            return true;
        }

        Interlocked.Increment(ref _heldBack);
        heldBack = 0;
        return false;
    }
}
