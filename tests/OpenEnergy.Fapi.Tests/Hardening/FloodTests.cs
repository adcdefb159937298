using OpenEnergy.Fapi.Testing;
using OpenEnergy.Fapi.Tests.Support;
using static OpenEnergy.Fapi.Tests.Support.Certificates;

namespace OpenEnergy.Fapi.Tests.Hardening;

/// <summary>
/// A spray of unique random tokens against a server that says <c>active:false</c>: the cache stays within its
/// limit, nothing in flight is left behind, and managed memory stays bounded.
/// </summary>
internal sealed class FloodTests : AuthorizationServerFixture
{
    // The test double would otherwise keep every request it saw, and a log collector every entry.
    protected override void ConfigureServer(FakeAuthorizationServerOptions options) => options.RecordIntrospections = false;

    [Test]
    public async Task FiveThousandUniqueTokens_StayWithinTheCacheLimit() => await FloodAsync(5_000, cacheLimit: 1_000);

    [Test]
    [Explicit("several minutes on a 2-core machine: run by hand for the README's reliability figures")]
    [Category("Flood")]
    public async Task OneMillionUniqueTokens_StayWithinTheCacheLimit() => await FloodAsync(1_000_000, cacheLimit: 100_000);

    private async Task FloodAsync(int tokens, int cacheLimit)
    {
        const int parallel = 16;
        // One client sends every token here: its share of authorization-server calls must not be what limits it.
        ValidatorHarness rs = NewValidator(o => { o.CacheSizeLimit = cacheLimit; o.MaxConcurrentIntrospectionsPerClient = parallel; }, collectLogs: false);
        GC.Collect();
        long before = GC.GetTotalMemory(forceFullCollection: true);
        long peak = before;

        for (int done = 0; done < tokens; done += parallel)
        {
            await Task.WhenAll(Enumerable.Range(0, Math.Min(parallel, tokens - done))
                .Select(_ => rs.ValidateAsync("Bearer " + FakeAuthorizationServer.NewToken(), A).AsTask()));
            if (done % 10_000 == 0)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(false));
            }
        }

        long after = GC.GetTotalMemory(forceFullCollection: true);
        TestContext.Out.WriteLine($"{tokens} tokens: cache {rs.Cache.Count} entries (limit {cacheLimit}); managed memory {before / 1048576.0:F1} MiB before, peak {peak / 1048576.0:F1} MiB, {after / 1048576.0:F1} MiB after");

        Assert.That(rs.Cache.Count, Is.LessThanOrEqualTo(cacheLimit));
        Assert.That(rs.Coordinator.InFlightCount, Is.Zero);
        Assert.That(Server.IntrospectionCount, Is.EqualTo(tokens));
        Assert.That(after - before, Is.LessThan(128L * 1024 * 1024), "managed memory grew with the number of tokens");
    }
}
