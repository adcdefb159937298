using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using OpenEnergy.Fapi.Redis;
using OpenEnergy.Fapi.Testing;
using OpenEnergy.Fapi.Tests.Support;
using OpenEnergy.Fapi.Validation;
using static OpenEnergy.Fapi.Tests.Support.Certificates;

namespace OpenEnergy.Fapi.Tests.SharedCache;

/// <summary>Redis down, hung or restarting costs cache misses, never a refusal or a 5xx.</summary>
[NonParallelizable]
internal sealed class SharedCacheFaultTests : SharedCacheFixture
{
    [Test]
    public async Task RedisStoppedMidRun_ThenRestarted_EveryRequestGetsTheRightAnswer_AndTheSharedLevelResumes()
    {
        ValidatorHarness first = NewInstance();
        ValidatorHarness second = NewInstance();
        string shared = Server.IssueToken(A, "energy:read");
        await ValidateAndShareAsync(first, shared, A);
        using MetricCollector<long> faults = Collect(first, "openenergy.fapi.shared_cache.faults");

        await Redis.StopAsync();
        try
        {
            string fresh = Server.IssueToken(A, "energy:read");
            Assert.That((await first.ValidateAsync("Bearer " + fresh, A)).Succeeded, Is.True);
            Assert.That((await second.ValidateAsync("Bearer " + fresh, A)).Succeeded, Is.True);
            Assert.That((await second.ValidateAsync("Bearer " + fresh, B)).Failure!.Reason, Is.EqualTo(FapiFailureReason.CertificateMismatch));
            Assert.That((await first.ValidateAsync("Bearer " + FakeAuthorizationServer.NewToken(), A)).Failure!.Reason, Is.EqualTo(FapiFailureReason.TokenInactive));
            Assert.That((await first.ValidateAsync("Bearer " + shared, A)).Succeeded, Is.True, "first-level hits go on");
            Assert.That(faults.GetMeasurementSnapshot().Any(m => (string?)m.Tags["operation"] == "read"), Is.True, "the failed reads were not counted");
        }
        finally
        {
            await Redis.RestartAsync();
        }

        // Reads paused after the faults in a row; the pause ends on the instances' clock.
        Time.Advance(TimeSpan.FromSeconds(5));

        // Reconnection is StackExchange.Redis's own, on real time: each round waits for a write to land.
        DateTime deadline = DateTime.UtcNow.AddSeconds(60);
        string? resumed = null;
        while (resumed is null && DateTime.UtcNow < deadline)
        {
            string token = Server.IssueToken(A, "energy:read");
            using MetricCollector<long> writes = Collect(first, "openenergy.fapi.shared_cache.writes");
            Assert.That((await first.ValidateAsync("Bearer " + token, A)).Succeeded, Is.True);
            try
            {
                await writes.WaitForMeasurementsAsync(1, TimeSpan.FromSeconds(1));
                resumed = token;
            }
            catch (OperationCanceledException)
            {
                // No write within the second: not reconnected yet; try again with a new token.
            }
        }

        Assert.That(resumed, Is.Not.Null, "the shared level did not resume within 60 s of the restart");
        int calls = Server.IntrospectionCount;
        Assert.That((await second.ValidateAsync("Bearer " + resumed, A)).Succeeded, Is.True);
        Assert.That(Server.IntrospectionCount, Is.EqualTo(calls), "the second instance did not use the shared level after the restart");
    }

    [Test]
    public async Task HungRedis_ReadPastTheTimeout_IsAMiss_AndTheAuthorizationServerAnswers()
    {
        ValidatorHarness first = NewInstance();
        string token = Server.IssueToken(A, "energy:read");
        // Connected before Redis hangs.
        await ValidateAndShareAsync(first, Server.IssueToken(A, "energy:read"), A);
        using MetricCollector<long> faults = Collect(first, "openenergy.fapi.shared_cache.faults");

        await Redis.FreezeAsync();
        try
        {
            ValueTask<FapiVerdict> pending = first.ValidateAsync("Bearer " + token, A);
            Assert.That(pending.IsCompleted, Is.False, "the read did not wait for Redis");

            Time.Advance(TimeSpan.FromMilliseconds(250));
            FapiVerdict verdict = await pending;

            Assert.That(verdict.Succeeded, Is.True);
            Assert.That(faults.GetMeasurementSnapshot().Any(m => (string?)m.Tags["operation"] == "read" && (string?)m.Tags["reason"] == "timeout"), Is.True);
        }
        finally
        {
            await Redis.ThawAsync();
        }
    }

    [Test]
    public async Task AfterThreeReadTimeoutsInARow_ReadsPause_SoAHungRedisDoesNotCostEveryRequestTheTimeout()
    {
        ValidatorHarness first = NewInstance();
        await ValidateAndShareAsync(first, Server.IssueToken(A, "energy:read"), A);
        using MetricCollector<long> faults = Collect(first, "openenergy.fapi.shared_cache.faults");

        await Redis.FreezeAsync();
        try
        {
            for (int i = 0; i < 3; i++)
            {
                ValueTask<FapiVerdict> waiting = first.ValidateAsync("Bearer " + Server.IssueToken(A, "energy:read"), A);
                Time.Advance(TimeSpan.FromMilliseconds(250));
                Assert.That((await waiting).Succeeded, Is.True);
            }

            // Paused: answered by the authorization server without waiting for Redis (the clock does not move).
            Assert.That((await first.ValidateAsync("Bearer " + Server.IssueToken(A, "energy:read"), A)).Succeeded, Is.True);
            Assert.That(faults.GetMeasurementSnapshot().Count(m => (string?)m.Tags["operation"] == "read"), Is.EqualTo(3));

            // After the pause, the next read tries Redis again (and waits for it).
            Time.Advance(TimeSpan.FromSeconds(5));
            ValueTask<FapiVerdict> probing = first.ValidateAsync("Bearer " + Server.IssueToken(A, "energy:read"), A);
            Assert.That(probing.IsCompleted, Is.False, "reads did not resume after the pause");
            Time.Advance(TimeSpan.FromMilliseconds(250));
            Assert.That((await probing).Succeeded, Is.True);
        }
        finally
        {
            await Redis.ThawAsync();
        }
    }

    [Test]
    public async Task InstanceStartsWhileRedisIsUnreachable_ServesRequests_AndLogsIt()
    {
        int closedPort;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            closedPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        // abortConnect=true in the string is overridden: the instance must start anyway.
        ValidatorHarness instance = NewInstance(o => o.SharedCache.Redis = $"127.0.0.1:{closedPort},abortConnect=true,connectTimeout=500");
        await instance.Services.GetRequiredService<RedisSharedCacheConnection>().Connecting;

        FapiVerdict verdict = await instance.ValidateAsync("Bearer " + Server.IssueToken(A, "energy:read"), A);

        Assert.That(verdict.Succeeded, Is.True);
        Assert.That(instance.Logs.GetSnapshot().Any(r => r.Level == LogLevel.Warning && r.Message.Contains("unreachable", StringComparison.Ordinal)), Is.True);
    }
}
