using System.Collections;
using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Caching.Memory;
using OpenEnergy.Fapi.Certificates;
using OpenEnergy.Fapi.Testing;
using OpenEnergy.Fapi.Tests.Support;
using OpenEnergy.Fapi.Validation;
using static OpenEnergy.Fapi.Tests.Support.Certificates;

namespace OpenEnergy.Fapi.Tests.Caching;

/// <summary>Caching that stays safe: lifetimes on the fake clock, keys, collapsing, and faults never cached.</summary>
internal sealed class IntrospectionCacheTests : AuthorizationServerFixture
{
    [Test]
    public async Task SecondRequest_IsServedFromTheCache()
    {
        ValidatorHarness rs = NewValidator();
        string token = Server.IssueToken(A);

        await rs.ValidateAsync("Bearer " + token, A);
        FapiVerdict second = await rs.ValidateAsync("Bearer " + token, A);

        Assert.That(second.Succeeded, Is.True);
        Assert.That(Server.IntrospectionCount, Is.EqualTo(1));
    }

    [Test]
    public async Task CachedToken_WithAnotherCertificate_IsRejectedWithoutANewCall()
    {
        ValidatorHarness rs = NewValidator();
        string token = Server.IssueToken(A, "s1");

        Assert.That((await rs.ValidateAsync("Bearer " + token, A)).Succeeded, Is.True);
        FapiVerdict other = await rs.ValidateAsync("Bearer " + token, B);
        FapiVerdict scope = await rs.ValidateAsync("Bearer " + token, A, "s9");

        Assert.That(other.Failure?.Reason, Is.EqualTo(FapiFailureReason.CertificateMismatch));
        Assert.That(scope.Failure?.Reason, Is.EqualTo(FapiFailureReason.InsufficientScope));
        Assert.That(Server.IntrospectionCount, Is.EqualTo(1));
    }

    [Test]
    public async Task CachedEntry_NeverOutlivesExp()
    {
        ValidatorHarness rs = NewValidator();
        long exp = Time.GetUtcNow().ToUnixTimeSeconds() + 3;
        string token = Server.IssueToken(A, customize: o => o["exp"] = exp);

        Assert.That((await rs.ValidateAsync("Bearer " + token, A)).Succeeded, Is.True);
        Time.Advance(TimeSpan.FromSeconds(1));
        Assert.That((await rs.ValidateAsync("Bearer " + token, A)).Succeeded, Is.True);
        Assert.That(Server.IntrospectionCount, Is.EqualTo(1));

        Time.SetUtcNow(DateTimeOffset.FromUnixTimeSeconds(exp + 1));
        FapiVerdict late = await rs.ValidateAsync("Bearer " + token, A);

        Assert.That(late.Failure?.Reason, Is.EqualTo(FapiFailureReason.TokenExpired));
    }

    [Test]
    public async Task CacheDuration_BoundsAnswersWithLongExp_WhichIsTheRevocationDelay()
    {
        ValidatorHarness rs = NewValidator();
        string token = Server.IssueToken(A, lifetime: TimeSpan.FromHours(1));
        await rs.ValidateAsync("Bearer " + token, A);

        Server.SetResponse(token, FakeIntrospectionResponse.Inactive());
        Time.Advance(TimeSpan.FromSeconds(59));
        FapiVerdict beforeRevocationIsSeen = await rs.ValidateAsync("Bearer " + token, A);
        Time.Advance(TimeSpan.FromSeconds(2));
        FapiVerdict after = await rs.ValidateAsync("Bearer " + token, A);

        Assert.That(beforeRevocationIsSeen.Succeeded, Is.True);
        Assert.That(after.Failure?.Reason, Is.EqualTo(FapiFailureReason.TokenInactive));
        Assert.That(Server.IntrospectionCount, Is.EqualTo(2));
    }

    [Test]
    public async Task InactiveAnswer_IsCachedOnlyBriefly()
    {
        ValidatorHarness rs = NewValidator();
        string token = FakeAuthorizationServer.NewToken();

        await rs.ValidateAsync("Bearer " + token, A);
        Time.Advance(TimeSpan.FromSeconds(4));
        await rs.ValidateAsync("Bearer " + token, A);
        Assert.That(Server.IntrospectionCount, Is.EqualTo(1));

        Server.SetResponse(token, FakeIntrospectionResponse.Active(CertificateThumbprint.FromCertificate(A)));
        Time.Advance(TimeSpan.FromSeconds(2));
        FapiVerdict activated = await rs.ValidateAsync("Bearer " + token, A);

        Assert.That(activated.Succeeded, Is.True);
        Assert.That(Server.IntrospectionCount, Is.EqualTo(2));
    }

    [Test]
    public async Task Outage_IsNotCached_AndTheNextRequestSucceeds()
    {
        ValidatorHarness rs = NewValidator(o => o.IntrospectionRetryCount = 0);
        string token = FakeAuthorizationServer.NewToken();
        Server.SetResponse(token, FakeIntrospectionResponse.Status(500));

        FapiVerdict during = await rs.ValidateAsync("Bearer " + token, A);
        Server.SetResponse(token, FakeIntrospectionResponse.Active(CertificateThumbprint.FromCertificate(A)));
        FapiVerdict after = await rs.ValidateAsync("Bearer " + token, A);

        Assert.That(during.StatusCode, Is.EqualTo(503));
        Assert.That(after.Succeeded, Is.True);
        Assert.That(Server.IntrospectionCount, Is.EqualTo(2));
    }

    [Test]
    public async Task MissingActive_IsNotCached()
    {
        ValidatorHarness rs = NewValidator();
        string token = FakeAuthorizationServer.NewToken();
        Server.SetResponse(token, FakeIntrospectionResponse.Json("{}"));

        await rs.ValidateAsync("Bearer " + token, A);
        await rs.ValidateAsync("Bearer " + token, A);

        Assert.That(Server.IntrospectionCount, Is.EqualTo(2));
    }

    [Test]
    public async Task CacheKeys_AreHashes_NeverTheToken()
    {
        ValidatorHarness rs = NewValidator();
        string token = Server.IssueToken(A);
        await rs.ValidateAsync("Bearer " + token, A);

        MemoryCache cache = (MemoryCache)typeof(Fapi.Caching.IntrospectionCache)
            .GetField("_cache", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(rs.Cache)!;
        object[] keys = [.. cache.Keys];

        Assert.That(keys, Has.Length.EqualTo(1));
        Assert.That(keys[0], Is.TypeOf<Fapi.Caching.TokenHash>());
        Assert.That(keys[0].ToString(), Does.Not.Contain(token));
        Assert.That(keys.OfType<string>(), Is.Empty);
    }

    [Test]
    public async Task CacheSize_IsBounded()
    {
        ValidatorHarness rs = NewValidator(o => o.CacheSizeLimit = 10);

        for (int i = 0; i < 30; i++)
        {
            await rs.ValidateAsync("Bearer " + FakeAuthorizationServer.NewToken(), A);
        }

        Assert.That(rs.Cache.Count, Is.LessThanOrEqualTo(10));
    }

    [Test]
    public async Task HundredConcurrentRequests_WithOneNewToken_MakeOneCall()
    {
        ValidatorHarness rs = NewValidator();
        string token = FakeAuthorizationServer.NewToken();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Server.SetResponse(token, FakeIntrospectionResponse.After(gate.Task, FakeIntrospectionResponse.Active(CertificateThumbprint.FromCertificate(A))));

        Task<FapiVerdict>[] requests = [.. Enumerable.Range(0, 100).Select(_ => Task.Run(async () => await rs.ValidateAsync("Bearer " + token, A)))];
        await Server.WaitForIntrospectionsAsync(1);

        gate.SetResult();
        FapiVerdict[] verdicts = await Task.WhenAll(requests);

        Assert.That(verdicts.All(v => v.Succeeded), Is.True);
        Assert.That(Server.IntrospectionCount, Is.EqualTo(1));
        Assert.That(rs.Coordinator.InFlightCount, Is.Zero);
    }

    [Test]
    public async Task SharedCallFailure_Gives503ToEveryWaiter_AndIsNotCached()
    {
        ValidatorHarness rs = NewValidator(o => o.IntrospectionRetryCount = 0);
        string token = FakeAuthorizationServer.NewToken();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Server.SetResponse(token, FakeIntrospectionResponse.After(gate.Task, FakeIntrospectionResponse.Status(500)));

        Task<FapiVerdict>[] requests = [.. Enumerable.Range(0, 20).Select(_ => rs.ValidateAsync("Bearer " + token, A).AsTask())];
        gate.SetResult();
        FapiVerdict[] verdicts = await Task.WhenAll(requests);

        Assert.That(verdicts.All(v => v.StatusCode == 503), Is.True);
        Assert.That(Server.IntrospectionCount, Is.EqualTo(1));
        Assert.That(rs.Coordinator.InFlightCount, Is.Zero);

        Server.SetResponse(token, FakeIntrospectionResponse.Active(CertificateThumbprint.FromCertificate(A)));
        Assert.That((await rs.ValidateAsync("Bearer " + token, A)).Succeeded, Is.True);
    }

    [Test]
    public async Task OneWaiterGivingUp_DoesNotCancelTheCallForTheOthers()
    {
        ValidatorHarness rs = NewValidator();
        string token = FakeAuthorizationServer.NewToken();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Server.SetResponse(token, FakeIntrospectionResponse.After(gate.Task, FakeIntrospectionResponse.Active(CertificateThumbprint.FromCertificate(A))));
        using var impatient = new CancellationTokenSource();

        ValueTask<FapiVerdict> first = rs.Validator.ValidateAsync(ValidatorHarness.Request("Bearer " + token, A), impatient.Token);
        ValueTask<FapiVerdict> second = rs.ValidateAsync("Bearer " + token, A);
        await impatient.CancelAsync();

        Assert.That(async () => await first, Throws.InstanceOf<OperationCanceledException>());
        gate.SetResult();
        Assert.That((await second).Succeeded, Is.True);
        Assert.That(Server.IntrospectionCount, Is.EqualTo(1));
        Assert.That(rs.Coordinator.InFlightCount, Is.Zero);
    }

    [Test]
    public async Task TwoValidators_WithDifferentClientIds_KeepSeparateEntries()
    {
        ValidatorHarness one = NewValidator();
        ValidatorHarness two = NewValidator(o => o.ClientId = "another-provider");
        string token = Server.IssueToken(A);

        await one.ValidateAsync("Bearer " + token, A);
        await two.ValidateAsync("Bearer " + token, A);

        Assert.That(Server.IntrospectionCount, Is.EqualTo(2));
    }
}
