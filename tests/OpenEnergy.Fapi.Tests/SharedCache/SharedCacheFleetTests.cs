using System.Text;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Options;
using OpenEnergy.Fapi.Testing;
using OpenEnergy.Fapi.Tests.Support;
using OpenEnergy.Fapi.Validation;
using static OpenEnergy.Fapi.Tests.Support.Certificates;

namespace OpenEnergy.Fapi.Tests.SharedCache;

/// <summary>Two instances on one real Redis: what one learns from the authorization server, the other uses.</summary>
internal sealed class SharedCacheFleetTests : SharedCacheFixture
{
    [Test]
    public async Task TokenIntrospectedThroughOneInstance_IsServedByAnother_WithNoAuthorizationServerCall()
    {
        ValidatorHarness first = NewInstance();
        ValidatorHarness second = NewInstance();
        string token = Server.IssueToken(A, "energy:read", clientId: "cA");
        await ValidateAndShareAsync(first, token, A);
        Assert.That(Server.IntrospectionCount, Is.EqualTo(1));
        using MetricCollector<long> hits = Collect(second, "openenergy.fapi.cache_hits");

        FapiVerdict verdict = await second.ValidateAsync("Bearer " + token, A, "energy:read");

        Assert.That(verdict.Succeeded, Is.True);
        Assert.That(Server.IntrospectionCount, Is.EqualTo(1), "the second instance asked the authorization server");
        Assert.That(verdict.Consumer!.ClientId, Is.EqualTo("cA"));
        Assert.That(verdict.Consumer.OrganisationId, Is.EqualTo("org-cA"));
        Assert.That(verdict.Consumer.SoftwareRoles, Is.EqualTo(new[] { "EDSP_L1" }));
        Assert.That(verdict.Consumer.Scopes, Is.EqualTo(new[] { "energy:read" }));
        Assert.That(verdict.Consumer.SoftwareMetadata!.Value.GetProperty("metadata").GetProperty("something").GetString(), Is.EqualTo("something else"));
        Assert.That(hits.GetMeasurementSnapshot().Single().Tags["level"], Is.EqualTo("l2"));
    }

    [Test]
    public async Task SharedAnswer_LandsInTheSecondInstancesOwnCache_SoItsNextRequestIsAFirstLevelHit()
    {
        ValidatorHarness first = NewInstance();
        ValidatorHarness second = NewInstance();
        string token = Server.IssueToken(A, "energy:read");
        await ValidateAndShareAsync(first, token, A);
        await second.ValidateAsync("Bearer " + token, A);
        using MetricCollector<long> hits = Collect(second, "openenergy.fapi.cache_hits");

        FapiVerdict verdict = await second.ValidateAsync("Bearer " + token, A);

        Assert.That(verdict.Succeeded, Is.True);
        Assert.That(hits.GetMeasurementSnapshot().Single().Tags["level"], Is.EqualTo("l1"));
    }

    [Test]
    public async Task TokenBoundToCertificateA_PresentedWithCertificateB_IsRefusedByTheSecondInstance()
    {
        ValidatorHarness first = NewInstance();
        ValidatorHarness second = NewInstance();
        string token = Server.IssueToken(A, "energy:read");
        await ValidateAndShareAsync(first, token, A);

        FapiVerdict verdict = await second.ValidateAsync("Bearer " + token, B);

        Assert.That(verdict.Succeeded, Is.False);
        Assert.That(verdict.Failure!.Reason, Is.EqualTo(FapiFailureReason.CertificateMismatch));
        Assert.That(verdict.Failure.StatusCode, Is.EqualTo(401));
        Assert.That(Server.IntrospectionCount, Is.EqualTo(1), "the refusal came from the shared entry, not a new call");
    }

    [Test]
    public async Task ScopeMissingFromASharedAnswer_IsRefused()
    {
        ValidatorHarness first = NewInstance();
        ValidatorHarness second = NewInstance();
        string token = Server.IssueToken(A, "energy:read");
        await ValidateAndShareAsync(first, token, A);

        FapiVerdict verdict = await second.ValidateAsync("Bearer " + token, A, "energy:write");

        Assert.That(verdict.Failure!.Reason, Is.EqualTo(FapiFailureReason.InsufficientScope));
        Assert.That(verdict.Failure.StatusCode, Is.EqualTo(403));
    }

    [Test]
    public async Task InactiveAnswer_StaysInTheInstanceThatGotIt()
    {
        ValidatorHarness first = NewInstance();
        ValidatorHarness second = NewInstance();
        string token = FakeAuthorizationServer.NewToken();
        using var writes = Collect(first, "openenergy.fapi.shared_cache.writes");

        Assert.That((await first.ValidateAsync("Bearer " + token, A)).Failure!.Reason, Is.EqualTo(FapiFailureReason.TokenInactive));
        Assert.That((await second.ValidateAsync("Bearer " + token, A)).Failure!.Reason, Is.EqualTo(FapiFailureReason.TokenInactive));

        Assert.That(Server.IntrospectionCount, Is.EqualTo(2), "each instance asked for itself");
        Assert.That(writes.GetMeasurementSnapshot(), Is.Empty);
        Assert.That(await Store.KeyExistsAsync(StoreKeyOf(first, token)), Is.False);
    }

    [Test]
    public async Task EntryInRedis_IsUnderThePrefixAndTokenHash_AndHoldsNeitherTheTokenNorItsHash()
    {
        ValidatorHarness first = NewInstance();
        string token = Server.IssueToken(A, "energy:read");
        await ValidateAndShareAsync(first, token, A);

        string key = StoreKeyOf(first, token);
        (_, byte[] entry) = await ReadEntryAsync(key);

        Assert.That(key, Does.Match("^" + KeyPrefix + "[0-9a-f]{64}$"));
        Assert.That(Encoding.ASCII.GetString(entry), Does.Not.Contain(token));
        Assert.That(Encoding.ASCII.GetString(entry), Does.Contain("\"active\":true"));
    }

    [Test]
    public async Task InstancesWithAnotherKeyPrefix_DoNotShareEntries()
    {
        ValidatorHarness first = NewInstance();
        ValidatorHarness other = NewInstance(o => o.SharedCache.KeyPrefix = "other-deployment:");
        string token = Server.IssueToken(A, "energy:read");
        await ValidateAndShareAsync(first, token, A);

        Assert.That((await other.ValidateAsync("Bearer " + token, A)).Succeeded, Is.True);

        Assert.That(Server.IntrospectionCount, Is.EqualTo(2));
    }

    [Test]
    public async Task ConcurrentRequestsForANewToken_OnOneInstance_MakeOneCall()
    {
        ValidatorHarness first = NewInstance();
        string token = Server.IssueToken(A, "energy:read");

        FapiVerdict[] verdicts = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => first.ValidateAsync("Bearer " + token, A).AsTask()));

        Assert.That(verdicts.All(v => v.Succeeded), Is.True);
        Assert.That(Server.IntrospectionCount, Is.EqualTo(1));
    }

    [Test]
    public void AddRedisSharedCache_LeavesTheApplicationsOwnDistributedCacheAlone()
    {
        var appCache = new MemoryDistributedCache(Options.Create(new MemoryDistributedCacheOptions()));
        ValidatorHarness instance = NewValidator(
            o =>
            {
                o.SharedCache.Redis = Redis.ConfigurationString;
                o.SharedCache.IntegrityKey = IntegrityKey;
            },
            configureServices: services =>
            {
                services.AddSingleton<IDistributedCache>(appCache);
                services.AddRedisSharedCache();
            });

        Assert.That(instance.Services.GetRequiredService<IDistributedCache>(), Is.SameAs(appCache));
        Assert.That(instance.Services.GetServices<IDistributedCache>().Count(), Is.EqualTo(1));
    }
}
