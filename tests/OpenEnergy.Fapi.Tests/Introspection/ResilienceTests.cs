using OpenEnergy.Fapi.Certificates;
using OpenEnergy.Fapi.Testing;
using OpenEnergy.Fapi.Tests.Support;
using OpenEnergy.Fapi.Validation;
using static OpenEnergy.Fapi.Tests.Support.Certificates;

namespace OpenEnergy.Fapi.Tests.Introspection;

/// <summary>Retries, the circuit breaker, the concurrency limit and the time bounds, on the fake clock.</summary>
internal sealed class ResilienceTests : AuthorizationServerFixture
{
    private static FakeIntrospectionResponse ActiveForA => FakeIntrospectionResponse.Active(CertificateThumbprint.FromCertificate(A));

    [TestCase(500)]
    [TestCase(502)]
    [TestCase(503)]
    public async Task TransientFault_IsRetried_AndTheRequestSucceeds(int status)
    {
        ValidatorHarness rs = NewValidator();
        string token = FakeAuthorizationServer.NewToken();
        Server.SetResponse(token, FakeIntrospectionResponse.Sequence(FakeIntrospectionResponse.Status(status), ActiveForA));

        FapiVerdict verdict = await rs.ValidateAsync("Bearer " + token, A);

        Assert.That(verdict.Succeeded, Is.True);
        Assert.That(Server.IntrospectionCount, Is.EqualTo(2));
    }

    [Test]
    public async Task TooManyRequests_IsRetriedAfterRetryAfter()
    {
        ValidatorHarness rs = NewValidator();
        string token = FakeAuthorizationServer.NewToken();
        Server.SetResponse(token, FakeIntrospectionResponse.Sequence(FakeIntrospectionResponse.Status(429, retryAfter: "0"), ActiveForA));

        Assert.That((await rs.ValidateAsync("Bearer " + token, A)).Succeeded, Is.True);
        Assert.That(Server.IntrospectionCount, Is.EqualTo(2));
    }

    [TestCase(401)]
    [TestCase(403)]
    [TestCase(400)]
    public async Task NonTransientStatus_IsNotRetried(int status)
    {
        ValidatorHarness rs = NewValidator();
        string token = FakeAuthorizationServer.NewToken();
        Server.SetResponse(token, FakeIntrospectionResponse.Status(status));

        Assert.That((await rs.ValidateAsync("Bearer " + token, A)).StatusCode, Is.EqualTo(503));
        Assert.That(Server.IntrospectionCount, Is.EqualTo(1));
    }

    [Test]
    public async Task PersistentFault_GivesUpAfterTheRetries()
    {
        ValidatorHarness rs = NewValidator(o => o.IntrospectionRetryCount = 2);
        string token = FakeAuthorizationServer.NewToken();
        Server.SetResponse(token, FakeIntrospectionResponse.Status(500));

        Assert.That((await rs.ValidateAsync("Bearer " + token, A)).StatusCode, Is.EqualTo(503));
        Assert.That(Server.IntrospectionCount, Is.EqualTo(3));
    }

    [Test]
    public async Task OpenCircuit_Gives503WithoutCallingTheServer_AndClosesAfterTheBreak()
    {
        ValidatorHarness rs = NewValidator(o =>
        {
            o.IntrospectionRetryCount = 0;
            o.CircuitBreakerMinimumThroughput = 2;
            o.CircuitBreakerFailureRatio = 0.5;
            o.CircuitBreakerBreakDuration = TimeSpan.FromSeconds(5);
        });
        Server.UnknownTokenResponse = FakeIntrospectionResponse.Status(500);
        await rs.ValidateAsync("Bearer " + FakeAuthorizationServer.NewToken(), A);
        await rs.ValidateAsync("Bearer " + FakeAuthorizationServer.NewToken(), A);
        int callsBeforeOpen = Server.IntrospectionCount;

        FapiVerdict whileOpen = await rs.ValidateAsync("Bearer " + Server.IssueToken(A), A);
        Server.UnknownTokenResponse = FakeIntrospectionResponse.Inactive();
        Time.Advance(TimeSpan.FromSeconds(6));
        FapiVerdict afterBreak = await rs.ValidateAsync("Bearer " + Server.IssueToken(A), A);

        Assert.That(callsBeforeOpen, Is.EqualTo(2));
        Assert.That(whileOpen.StatusCode, Is.EqualTo(503));
        Assert.That(afterBreak.Succeeded, Is.True);
        Assert.That(Server.IntrospectionCount, Is.EqualTo(3));
    }

    [Test]
    public async Task SaturatedConcurrencyLimit_Gives503AtOnce_WithoutACall()
    {
        ValidatorHarness rs = NewValidator(o =>
        {
            o.MaxConcurrentIntrospections = 1;
            o.MaxQueuedIntrospections = 0;
        });
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        string slow = FakeAuthorizationServer.NewToken();
        Server.SetResponse(slow, FakeIntrospectionResponse.After(gate.Task, ActiveForA));

        ValueTask<FapiVerdict> first = rs.ValidateAsync("Bearer " + slow, A);
        await Server.WaitForIntrospectionsAsync(1);
        FapiVerdict rejected = await rs.ValidateAsync("Bearer " + Server.IssueToken(A), A);
        gate.SetResult();

        Assert.That(rejected.StatusCode, Is.EqualTo(503));
        Assert.That((await first).Succeeded, Is.True);
        Assert.That(Server.IntrospectionCount, Is.EqualTo(1));
    }

    [Test]
    public async Task SlowAnswer_JustInsideTheTimeout_IsUsed()
    {
        ValidatorHarness rs = NewValidator(o => o.IntrospectionAttemptTimeout = o.IntrospectionTimeout);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        string token = FakeAuthorizationServer.NewToken();
        Server.SetResponse(token, FakeIntrospectionResponse.After(gate.Task, ActiveForA));

        ValueTask<FapiVerdict> pending = rs.ValidateAsync("Bearer " + token, A);
        await Server.WaitForIntrospectionsAsync(1);
        Time.Advance(TimeSpan.FromSeconds(4.9));
        gate.SetResult();

        Assert.That((await pending).Succeeded, Is.True);
    }

    [Test]
    public async Task SlowAnswer_JustOutsideTheTimeout_Is503_AndNotCached()
    {
        ValidatorHarness rs = NewValidator(o =>
        {
            o.IntrospectionAttemptTimeout = o.IntrospectionTimeout;
            o.IntrospectionRetryCount = 0;
        });
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        string token = FakeAuthorizationServer.NewToken();
        Server.SetResponse(token, FakeIntrospectionResponse.After(gate.Task, ActiveForA));

        ValueTask<FapiVerdict> pending = rs.ValidateAsync("Bearer " + token, A);
        await Server.WaitForIntrospectionsAsync(1);
        Time.Advance(TimeSpan.FromSeconds(5));
        FapiVerdict verdict = await pending;
        gate.SetResult();
        Server.SetResponse(token, ActiveForA);

        Assert.That(verdict.StatusCode, Is.EqualTo(503));
        Assert.That((await rs.ValidateAsync("Bearer " + token, A)).Succeeded, Is.True);
    }

    [Test]
    public async Task CachedVerdict_IsNotExtendedWhileTheServerIsDown()
    {
        ValidatorHarness rs = NewValidator(o => o.IntrospectionRetryCount = 0);
        string token = Server.IssueToken(A, lifetime: TimeSpan.FromHours(1));
        Assert.That((await rs.ValidateAsync("Bearer " + token, A)).Succeeded, Is.True);

        Server.SetResponse(token, FakeIntrospectionResponse.Status(500));
        Time.Advance(TimeSpan.FromSeconds(61));

        Assert.That((await rs.ValidateAsync("Bearer " + token, A)).StatusCode, Is.EqualTo(503));
    }
}
