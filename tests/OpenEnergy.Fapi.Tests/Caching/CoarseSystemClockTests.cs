using OpenEnergy.Fapi.Caching;

namespace OpenEnergy.Fapi.Tests.Caching;

public sealed class CoarseSystemClockTests
{
    [Test]
    public void UtcNow_StaysWithinASecondOfTheWallClock()
    {
        for (int i = 0; i < 1000; i++)
        {
            DateTimeOffset before = DateTimeOffset.UtcNow;
            DateTimeOffset coarse = CoarseSystemClock.Instance.UtcNow;
            DateTimeOffset after = DateTimeOffset.UtcNow;

            Assert.That(coarse, Is.GreaterThan(before.AddSeconds(-1)).And.LessThan(after.AddSeconds(1)));
        }
    }

    [Test]
    public void UtcNow_NeverGoesBackwards()
    {
        DateTimeOffset previous = CoarseSystemClock.Instance.UtcNow;
        for (int i = 0; i < 100_000; i++)
        {
            DateTimeOffset now = CoarseSystemClock.Instance.UtcNow;
            Assert.That(now, Is.GreaterThanOrEqualTo(previous));
            previous = now;
        }
    }
}
