using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenEnergy.Fapi.HealthChecks;
using OpenEnergy.Fapi.Tests.Support;

namespace OpenEnergy.Fapi.Tests.SharedCache;

/// <summary>The shared-cache health check against a real <c>redis-server</c>: healthy when it answers, degraded when it hangs.</summary>
internal sealed class SharedCacheHealthTests : SharedCacheFixture
{
    [Test]
    public async Task RedisThatAnswers_IsHealthy_AndOneThatHangs_IsDegraded()
    {
        ValidatorHarness instance = NewValidator(
            o =>
            {
                o.SharedCache.Redis = Redis.ConfigurationString;
                o.SharedCache.IntegrityKey = IntegrityKey;
                o.SharedCache.KeyPrefix = KeyPrefix;
            },
            configureServices: services =>
            {
                services.AddRedisSharedCache();
                services.AddHealthChecks().AddOpenEnergyFapi();
            });
        var health = instance.Services.GetRequiredService<HealthCheckService>();

        HealthReport up = await health.CheckHealthAsync(c => c.Name == FapiHealthCheckNames.SharedCache);
        Assert.That(up.Status, Is.EqualTo(HealthStatus.Healthy), up.Entries.Values.Single().Description);

        await Redis.FreezeAsync();
        try
        {
            HealthReport hung = await health.CheckHealthAsync(c => c.Name == FapiHealthCheckNames.SharedCache);
            Assert.That(hung.Status, Is.EqualTo(HealthStatus.Degraded));
            Assert.That(hung.Entries.Values.Single().Description, Does.Contain("does not answer"));
        }
        finally
        {
            await Redis.ThawAsync();
        }
    }
}
