using Microsoft.Extensions.Internal;

namespace OpenEnergy.Fapi.Caching;

/// <summary>
/// The library's one clock, <see cref="TimeProvider"/>, in the shape <see cref="Microsoft.Extensions.Caching.Memory.MemoryCache"/>
/// reads: expiry then follows a test's fake clock as well as the validator's time checks do.
/// </summary>
internal sealed class TimeProviderClock : ISystemClock
{
    private readonly TimeProvider _time;

    public TimeProviderClock(TimeProvider time) => _time = time;

    public DateTimeOffset UtcNow => _time.GetUtcNow();
}
