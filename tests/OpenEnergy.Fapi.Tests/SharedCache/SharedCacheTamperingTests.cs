using System.Buffers.Binary;
using System.Security.Cryptography;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using OpenEnergy.Fapi.Testing;
using OpenEnergy.Fapi.Tests.Support;
using OpenEnergy.Fapi.Validation;
using StackExchange.Redis;
using static OpenEnergy.Fapi.Tests.Support.Certificates;

namespace OpenEnergy.Fapi.Tests.SharedCache;

/// <summary>
/// Someone with write access to Redis but not the integrity key: whatever they put there is a miss, and the
/// authorization server decides. An inactive token never becomes active.
/// </summary>
internal sealed class SharedCacheTamperingTests : SharedCacheFixture
{
    private ValidatorHarness _first = null!;
    private ValidatorHarness _second = null!;

    [SetUp]
    public void CreateInstances()
    {
        _first = NewInstance();
        _second = NewInstance();
    }

    private async Task<string> SharedTokenAsync()
    {
        string token = Server.IssueToken(A, "energy:read");
        await ValidateAndShareAsync(_first, token, A);
        return token;
    }

    private async Task OverwriteAsync(string token, Func<byte[], byte[]> change)
    {
        string key = StoreKeyOf(_first, token);
        (RedisValue field, byte[] entry) = await ReadEntryAsync(key);
        await Store.HashSetAsync(key, field, change(entry));
    }

    private async Task AssertMissDecidedByTheAuthorizationServerAsync(string token, bool expectAccepted)
    {
        int calls = Server.IntrospectionCount;
        using MetricCollector<long> rejections = Collect(_second, "openenergy.fapi.shared_cache.integrity_rejections");

        FapiVerdict verdict = await _second.ValidateAsync("Bearer " + token, A);

        Assert.That(Server.IntrospectionCount, Is.EqualTo(calls + 1), "the tampered entry was believed");
        Assert.That(verdict.Succeeded, Is.EqualTo(expectAccepted));
        Assert.That(rejections.GetMeasurementSnapshot(), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Garbage_IsAMiss()
    {
        string token = await SharedTokenAsync();
        await OverwriteAsync(token, _ => RandomNumberGenerator.GetBytes(300));

        await AssertMissDecidedByTheAuthorizationServerAsync(token, expectAccepted: true);
    }

    [Test]
    public async Task TruncatedEntry_IsAMiss()
    {
        string token = await SharedTokenAsync();
        await OverwriteAsync(token, entry => entry[..(entry.Length / 2)]);

        await AssertMissDecidedByTheAuthorizationServerAsync(token, expectAccepted: true);
    }

    [Test]
    public async Task EntryWithOneBitChanged_IsAMiss()
    {
        string token = await SharedTokenAsync();
        await OverwriteAsync(token, entry =>
        {
            byte[] copy = (byte[])entry.Clone();
            copy[copy.Length / 2] ^= 0x01;
            return copy;
        });

        await AssertMissDecidedByTheAuthorizationServerAsync(token, expectAccepted: true);
    }

    [Test]
    public async Task EntryWithItsExpiryStretched_IsAMiss()
    {
        string token = await SharedTokenAsync();
        await OverwriteAsync(token, entry =>
        {
            // The expiry (Unix milliseconds after the format byte), a day later: a plausible value only the MAC catches.
            byte[] copy = (byte[])entry.Clone();
            long expiry = BinaryPrimitives.ReadInt64BigEndian(copy.AsSpan(1));
            BinaryPrimitives.WriteInt64BigEndian(copy.AsSpan(1), expiry + (long)TimeSpan.FromDays(1).TotalMilliseconds);
            return copy;
        });

        await AssertMissDecidedByTheAuthorizationServerAsync(token, expectAccepted: true);
    }

    [Test]
    public async Task ValidEntryOfAnotherToken_CopiedUnderAnInactiveTokensKey_NeverMakesItActive()
    {
        string active = await SharedTokenAsync();
        string inactive = FakeAuthorizationServer.NewToken();
        (RedisValue field, byte[] entry) = await ReadEntryAsync(StoreKeyOf(_first, active));
        string target = StoreKeyOf(_first, inactive);
        await Store.HashSetAsync(target, field, entry);
        await Store.KeyExpireAsync(target, TimeSpan.FromMinutes(5));

        await AssertMissDecidedByTheAuthorizationServerAsync(inactive, expectAccepted: false);
        Assert.That((await _second.ValidateAsync("Bearer " + inactive, A)).Failure!.Reason, Is.EqualTo(FapiFailureReason.TokenInactive));
    }

    [Test]
    public async Task HugeValuePlantedUnderATokensKey_IsAMiss()
    {
        string token = await SharedTokenAsync();
        await OverwriteAsync(token, _ => new byte[8 * 1024 * 1024]);

        await AssertMissDecidedByTheAuthorizationServerAsync(token, expectAccepted: true);
    }

    [Test]
    public async Task EntryWrittenUnderAnotherIntegrityKey_IsAMiss()
    {
        string foreignKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        ValidatorHarness foreign = NewInstance(o => o.SharedCache.IntegrityKey = foreignKey);
        string token = Server.IssueToken(A, "energy:read");
        await ValidateAndShareAsync(foreign, token, A);

        await AssertMissDecidedByTheAuthorizationServerAsync(token, expectAccepted: true);
    }

    [Test]
    public async Task IntegrityFailures_AreLoggedOncePerInterval_WithoutTheToken()
    {
        string one = await SharedTokenAsync();
        string two = await SharedTokenAsync();
        await OverwriteAsync(one, _ => RandomNumberGenerator.GetBytes(100));
        await OverwriteAsync(two, _ => RandomNumberGenerator.GetBytes(100));

        await _second.ValidateAsync("Bearer " + one, A);
        await _second.ValidateAsync("Bearer " + two, A);

        var warnings = _second.Logs.GetSnapshot().Where(r => r.Level == LogLevel.Warning && r.Message.Contains("integrity", StringComparison.Ordinal)).ToList();
        Assert.That(warnings, Has.Count.EqualTo(1));
        Assert.That(warnings[0].Message, Does.Not.Contain(one));
        Assert.That(warnings[0].Message, Does.Contain("IntegrityKey"));
    }
}
