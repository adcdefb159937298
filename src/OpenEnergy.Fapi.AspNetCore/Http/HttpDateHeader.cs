using OpenEnergy.Fapi.Headers;

namespace OpenEnergy.Fapi.AspNetCore.Http;

/// <summary>
/// The current IMF-fixdate, formatted once per second rather than once per request. On the system clock the
/// second's end is tracked with <see cref="Environment.TickCount64"/>, so most requests read no wall clock at all
/// (the header may turn over a few milliseconds late; Kestrel's own lags by up to a second). Any other
/// <see cref="TimeProvider"/> (a test's fake clock) is read on every call.
/// </summary>
internal sealed class HttpDateHeader
{
    private readonly TimeProvider _time;
    private readonly bool _systemClock;
    private Snapshot _current = new(long.MinValue, long.MinValue, "");

    public HttpDateHeader(TimeProvider time)
    {
        _time = time;
        _systemClock = ReferenceEquals(time, TimeProvider.System);
    }

    public string Now()
    {
        Snapshot current = Volatile.Read(ref _current);
        if (_systemClock && Environment.TickCount64 < current.ValidUntilTick)
        {
            return current.Value;
        }

        DateTimeOffset now = _time.GetUtcNow();
        long second = now.ToUnixTimeSeconds();
        if (current.Second != second)
        {
            long untilNextSecond = 1000 - (now.ToUnixTimeMilliseconds() - (second * 1000));
            current = new Snapshot(second, Environment.TickCount64 + untilNextSecond, HttpDate.Format(now));
            Volatile.Write(ref _current, current);
        }

        return current.Value;
    }

    private sealed record Snapshot(long Second, long ValidUntilTick, string Value);
}
