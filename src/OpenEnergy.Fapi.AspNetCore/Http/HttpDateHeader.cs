using OpenEnergy.Fapi.Headers;

namespace OpenEnergy.Fapi.AspNetCore.Http;

/// <summary>The current IMF-fixdate, formatted once per second rather than once per request.</summary>
internal sealed class HttpDateHeader
{
    private readonly TimeProvider _time;
    private Snapshot _current = new(long.MinValue, "");

    public HttpDateHeader(TimeProvider time) => _time = time;

    public string Now()
    {
        DateTimeOffset now = _time.GetUtcNow();
        long second = now.ToUnixTimeSeconds();
        Snapshot current = Volatile.Read(ref _current);
        if (current.Second != second)
        {
            current = new Snapshot(second, HttpDate.Format(now));
            Volatile.Write(ref _current, current);
        }

        return current.Value;
    }

    private sealed record Snapshot(long Second, string Value);
}
