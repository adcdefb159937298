using Microsoft.Extensions.DependencyInjection;
using OpenEnergy.Fapi.Tests.Support;
using OpenEnergy.Fapi.Validation;
using static OpenEnergy.Fapi.Tests.Support.Certificates;

namespace OpenEnergy.Fapi.Tests.SharedCache;

/// <summary>No entry outlives <c>exp</c> or <c>CacheDuration</c>, in either level (fake clock; Redis TTL read directly).</summary>
internal sealed class SharedCacheLifetimeTests : SharedCacheFixture
{
    [Test]
    public async Task RedisEntry_ExpiresNoLaterThanTheTokensExp()
    {
        ValidatorHarness first = NewInstance(o => o.CacheDuration = TimeSpan.FromMinutes(10));
        string token = Server.IssueToken(A, "energy:read", lifetime: TimeSpan.FromSeconds(30));
        await ValidateAndShareAsync(first, token, A);

        TimeSpan? ttl = await Store.KeyTimeToLiveAsync(StoreKeyOf(first, token));

        Assert.That(ttl, Is.Not.Null, "the entry has no expiry in Redis");
        Assert.That(ttl!.Value, Is.GreaterThan(TimeSpan.Zero).And.LessThanOrEqualTo(TimeSpan.FromSeconds(30)));
    }

    [Test]
    public async Task RedisEntry_ExpiresNoLaterThanCacheDuration()
    {
        ValidatorHarness first = NewInstance(o => o.CacheDuration = TimeSpan.FromSeconds(10));
        string token = Server.IssueToken(A, "energy:read", lifetime: TimeSpan.FromHours(1));
        await ValidateAndShareAsync(first, token, A);

        TimeSpan? ttl = await Store.KeyTimeToLiveAsync(StoreKeyOf(first, token));

        Assert.That(ttl!.Value, Is.GreaterThan(TimeSpan.Zero).And.LessThanOrEqualTo(TimeSpan.FromSeconds(10)));
    }

    [Test]
    public async Task FirstLevelCopyOfASharedEntry_ExpiresWhenTheSharedEntryDoes()
    {
        ValidatorHarness first = NewInstance(o => o.CacheDuration = TimeSpan.FromSeconds(10));
        ValidatorHarness second = NewInstance(o => o.CacheDuration = TimeSpan.FromSeconds(10));
        string token = Server.IssueToken(A, "energy:read", lifetime: TimeSpan.FromHours(1));
        await ValidateAndShareAsync(first, token, A);

        // Copied into the second instance 4 s later: its copy must still end at the first instance's instant.
        Time.Advance(TimeSpan.FromSeconds(4));
        Assert.That((await second.ValidateAsync("Bearer " + token, A)).Succeeded, Is.True);
        Time.Advance(TimeSpan.FromSeconds(6) - TimeSpan.FromMilliseconds(1));
        Assert.That((await second.ValidateAsync("Bearer " + token, A)).Succeeded, Is.True);
        Assert.That(Server.IntrospectionCount, Is.EqualTo(1));

        Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.That((await second.ValidateAsync("Bearer " + token, A)).Succeeded, Is.True);

        Assert.That(Server.IntrospectionCount, Is.EqualTo(2), "the copy outlived the shared entry");
    }

    [Test]
    public async Task Reader_HoldsASharedEntryToItsOwnCacheDuration_FromWhenItWasWritten()
    {
        ValidatorHarness writer = NewInstance(o => o.CacheDuration = TimeSpan.FromMinutes(5));
        ValidatorHarness reader = NewInstance(o => o.CacheDuration = TimeSpan.FromSeconds(10));
        string token = Server.IssueToken(A, "energy:read", lifetime: TimeSpan.FromHours(1));
        await ValidateAndShareAsync(writer, token, A);

        Time.Advance(TimeSpan.FromSeconds(10));
        Assert.That((await reader.ValidateAsync("Bearer " + token, A)).Succeeded, Is.True);

        Assert.That(Server.IntrospectionCount, Is.EqualTo(2), "the reader believed the entry past its own CacheDuration");
    }

    [Test]
    public async Task InactiveAnswer_RemovesTheSharedEntry_SoTheRevocationReachesTheFleet()
    {
        ValidatorHarness first = NewInstance();
        ValidatorHarness second = NewInstance();
        string token = Server.IssueToken(A, "energy:read");
        await ValidateAndShareAsync(first, token, A);
        string key = StoreKeyOf(first, token);
        Assert.That(await Store.KeyExistsAsync(key), Is.True);

        Task deleted = await WhenDeletedAsync(key);

        // The second instance learns from the authorization server that the token is now inactive.
        var hash = Fapi.Caching.TokenHash.Compute(Fapi.Caching.TokenHash.CreatePrefix(Server.BaseAddress.ToString(), "provider-client"), token);
        second.Services.GetRequiredService<Fapi.Caching.IIntrospectionCache>().Set(hash, Fapi.Introspection.IntrospectionResult.Inactive);

        await deleted.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.That(await Store.KeyExistsAsync(key), Is.False);
    }

    [Test]
    public async Task SharedEntryPastItsExpiry_IsNotBelieved_EvenWhileRedisStillHoldsIt()
    {
        // The fake clock moves past the entry's expiry while Redis, on real time, still keeps the key.
        ValidatorHarness first = NewInstance(o => o.CacheDuration = TimeSpan.FromSeconds(10));
        string token = Server.IssueToken(A, "energy:read", lifetime: TimeSpan.FromHours(1));
        await ValidateAndShareAsync(first, token, A);
        Time.Advance(TimeSpan.FromSeconds(10));
        ValidatorHarness second = NewInstance(o => o.CacheDuration = TimeSpan.FromSeconds(10));

        Assert.That(await Store.KeyExistsAsync(StoreKeyOf(first, token)), Is.True);
        Assert.That((await second.ValidateAsync("Bearer " + token, A)).Succeeded, Is.True);

        Assert.That(Server.IntrospectionCount, Is.EqualTo(2));
    }

    [Test]
    public async Task TimeChecks_RunOnASharedHit()
    {
        // iat an hour ahead: active and shareable, refused on every request by the time check.
        ValidatorHarness first = NewInstance();
        ValidatorHarness second = NewInstance();
        string token = Server.IssueToken(A, "energy:read", customize: body => body["iat"] = (long)body["iat"]! + 3600);
        await ValidateAndShareAsync(first, token, A, expectAccepted: false);

        FapiVerdict verdict = await second.ValidateAsync("Bearer " + token, A);

        Assert.That(verdict.Failure!.Reason, Is.EqualTo(FapiFailureReason.TokenIssuedInFuture));
        Assert.That(Server.IntrospectionCount, Is.EqualTo(1));
    }
}
