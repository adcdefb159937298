using System.Security.Cryptography;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Options;
using OpenEnergy.Fapi.Tests.Support;
using static OpenEnergy.Fapi.Tests.Support.Certificates;

namespace OpenEnergy.Fapi.Tests.SharedCache;

/// <summary><c>AddSharedCache</c> takes any <see cref="IDistributedCache"/>, not only Redis.</summary>
internal sealed class AnyDistributedCacheTests : AuthorizationServerFixture
{
    [Test]
    public async Task TwoInstancesOnAnyDistributedCache_ShareAnswers()
    {
        // MemoryDistributedCache offers only IDistributedCache (not the buffer interface): the byte[] path.
        var store = new MemoryDistributedCache(Options.Create(new MemoryDistributedCacheOptions()));
        string key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));
        ValidatorHarness first = NewValidator(o => o.SharedCache.IntegrityKey = key, configureServices: s => s.AddSharedCache(store));
        ValidatorHarness second = NewValidator(o => o.SharedCache.IntegrityKey = key, configureServices: s => s.AddSharedCache(store));
        string token = Server.IssueToken(A, "energy:read");

        using (var writes = new MetricCollector<long>(first.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), FapiDefaults.MeterName, "openenergy.fapi.shared_cache.writes"))
        {
            Assert.That((await first.ValidateAsync("Bearer " + token, A)).Succeeded, Is.True);
            await writes.WaitForMeasurementsAsync(1, TimeSpan.FromSeconds(30));
        }

        Assert.That((await second.ValidateAsync("Bearer " + token, A)).Succeeded, Is.True);
        Assert.That(Server.IntrospectionCount, Is.EqualTo(1));
        Assert.That(store.Get("oefapi:" + new string('0', 64)), Is.Null, "sanity: keys are the prefix and the token hash");
    }
}
