using Microsoft.Extensions.Internal;

namespace OpenEnergy.Fapi.Caching;

/// <summary>
/// The wall clock to within a few milliseconds, for <see cref="Microsoft.Extensions.Caching.Memory.MemoryCache"/>,
/// which reads its clock on every lookup. It advances the start-up time by <see cref="Environment.TickCount64"/>,
/// several times cheaper than reading the wall clock, and eviction needs no better. Nothing that decides whether
/// a token is accepted reads it: those checks use the validator's <see cref="TimeProvider"/>.
/// </summary>
internal sealed class CoarseSystemClock : ISystemClock
{
    public static readonly CoarseSystemClock Instance = new();

    private readonly DateTimeOffset _start = DateTimeOffset.UtcNow;
    private readonly long _startTicks = Environment.TickCount64;

    public DateTimeOffset UtcNow => _start.AddMilliseconds(Environment.TickCount64 - _startTicks);
}
