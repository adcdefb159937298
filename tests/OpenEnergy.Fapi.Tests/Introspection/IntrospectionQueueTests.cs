using Microsoft.Extensions.DependencyInjection;
using OpenEnergy.Fapi.Certificates;
using OpenEnergy.Fapi.Introspection;
using OpenEnergy.Fapi.Testing;
using OpenEnergy.Fapi.Tests.Support;
using OpenEnergy.Fapi.Validation;
using static OpenEnergy.Fapi.Tests.Support.Certificates;

namespace OpenEnergy.Fapi.Tests.Introspection;

/// <summary>
/// The wait for the authorization server (<c>IntrospectionQueueTimeout</c>): bounded, first come first served, shed
/// at once with 503 and <c>Retry-After</c> when the queue is full or the wait would be too long. On the fake clock.
/// </summary>
internal sealed class IntrospectionQueueTests : AuthorizationServerFixture
{
    private static FakeIntrospectionResponse ActiveForA => FakeIntrospectionResponse.Active(CertificateThumbprint.FromCertificate(A));

    [Test]
    public async Task WaitingCalls_AreMadeInArrivalOrder()
    {
        ValidatorHarness rs = NewValidator(o => o.MaxConcurrentIntrospections = 1);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        string first = Slow(gate.Task);
        ValueTask<FapiVerdict> running = rs.ValidateAsync("Bearer " + first, A);
        await Server.WaitForIntrospectionsAsync(1);

        string[] queued = [Server.IssueToken(A), Server.IssueToken(A), Server.IssueToken(A)];
        var waiting = new List<Task<FapiVerdict>>();
        foreach (string token in queued)
        {
            waiting.Add(rs.ValidateAsync("Bearer " + token, A).AsTask());
        }

        Assert.That(Admission(rs).Load, Is.EqualTo((1, 3)));
        gate.SetResult();

        Assert.That((await running).Succeeded, Is.True);
        foreach (Task<FapiVerdict> verdict in waiting)
        {
            Assert.That((await verdict).Succeeded, Is.True);
        }

        Assert.That(Server.Introspections.Select(i => i.Form["token"]), Is.EqualTo(new[] { first }.Concat(queued)));
        Assert.That(Admission(rs).Load, Is.EqualTo((0, 0)));
        Assert.That(Admission(rs).ClientsWithCalls, Is.Zero);
    }

    [Test]
    public async Task CallWaitingLongerThanTheQueueTimeout_Gets503WithRetryAfter_WithoutACall()
    {
        ValidatorHarness rs = NewValidator(o => o.MaxConcurrentIntrospections = 1);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ValueTask<FapiVerdict> running = rs.ValidateAsync("Bearer " + Slow(gate.Task), A);
        await Server.WaitForIntrospectionsAsync(1);

        ValueTask<FapiVerdict> waiting = rs.ValidateAsync("Bearer " + Server.IssueToken(A), A);
        Time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.That(waiting.IsCompleted, Is.False, "still within the queue timeout");
        Time.Advance(TimeSpan.FromMilliseconds(1));
        FapiVerdict shed = await waiting;
        gate.SetResult();

        Assert.That(shed.StatusCode, Is.EqualTo(503));
        Assert.That(shed.Failure!.Reason, Is.EqualTo(FapiFailureReason.AuthorizationServerBusy));
        Assert.That(shed.Failure.RetryAfterHeaderValue, Is.EqualTo("5"));
        Assert.That((await running).Succeeded, Is.True);
        Assert.That(Server.IntrospectionCount, Is.EqualTo(1), "the shed request never reached the authorization server");
        Assert.That(Admission(rs).ClientsWithCalls, Is.Zero);
    }

    [Test]
    public async Task FullQueue_Sheds503AtOnce()
    {
        ValidatorHarness rs = NewValidator(o =>
        {
            o.MaxConcurrentIntrospections = 1;
            o.MaxQueuedIntrospections = 1;
        });
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ValueTask<FapiVerdict> running = rs.ValidateAsync("Bearer " + Slow(gate.Task), A);
        await Server.WaitForIntrospectionsAsync(1);
        ValueTask<FapiVerdict> waiting = rs.ValidateAsync("Bearer " + Server.IssueToken(A), A);

        FapiVerdict shed = await rs.ValidateAsync("Bearer " + Server.IssueToken(B), B);
        gate.SetResult();

        Assert.That(shed.Failure?.Reason, Is.EqualTo(FapiFailureReason.AuthorizationServerBusy));
        Assert.That((await running).Succeeded, Is.True);
        Assert.That((await waiting).Succeeded, Is.True);
    }

    [Test]
    public async Task WaitLongerThanTheTimeoutJudgedFromRecentCalls_IsShedAtOnce()
    {
        ValidatorHarness rs = NewValidator(o => o.MaxConcurrentIntrospections = 1);

        // Teach it that a call takes 600 ms.
        var learn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ValueTask<FapiVerdict> learning = rs.ValidateAsync("Bearer " + Slow(learn.Task), A);
        await Server.WaitForIntrospectionsAsync(1);
        Time.Advance(TimeSpan.FromMilliseconds(600));
        learn.SetResult();
        Assert.That((await learning).Succeeded, Is.True);

        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ValueTask<FapiVerdict> running = rs.ValidateAsync("Bearer " + Slow(gate.Task), A);
        await Server.WaitForIntrospectionsAsync(2);
        // One call ahead in the queue: this one would wait about 600 ms, within the 1 s timeout.
        ValueTask<FapiVerdict> second = rs.ValidateAsync("Bearer " + Server.IssueToken(A), A);
        Assert.That(second.IsCompleted, Is.False);
        // Two ahead: about 1.2 s, beyond it: refused at once, without waiting out the timeout.
        FapiVerdict third = await rs.ValidateAsync("Bearer " + Server.IssueToken(B), B);
        gate.SetResult();

        Assert.That(third.Failure?.Reason, Is.EqualTo(FapiFailureReason.AuthorizationServerBusy));
        Assert.That((await running).Succeeded, Is.True);
        Assert.That((await second).Succeeded, Is.True);
    }

    [Test]
    public async Task RequestsForATokenThatWaitsForASlot_JoinIt_AndMakeOneCall()
    {
        ValidatorHarness rs = NewValidator(o => o.MaxConcurrentIntrospections = 1);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ValueTask<FapiVerdict> running = rs.ValidateAsync("Bearer " + Slow(gate.Task), A);
        await Server.WaitForIntrospectionsAsync(1);

        string token = Server.IssueToken(A);
        ValueTask<FapiVerdict> first = rs.ValidateAsync("Bearer " + token, A);
        ValueTask<FapiVerdict> joined = rs.ValidateAsync("Bearer " + token, A);
        Assert.That(Admission(rs).Load.Waiting, Is.EqualTo(1), "the second request joined the first, it did not queue");
        gate.SetResult();

        Assert.That((await running).Succeeded, Is.True);
        Assert.That((await first).Succeeded, Is.True);
        Assert.That((await joined).Succeeded, Is.True);
        Assert.That(Server.Introspections.Count(i => i.Form["token"] == token), Is.EqualTo(1));
    }

    [Test]
    public async Task WaitingCallsCount_TowardsTheClientsShare()
    {
        ValidatorHarness rs = NewValidator(o =>
        {
            o.MaxConcurrentIntrospections = 1;
            o.MaxConcurrentIntrospectionsPerClient = 2;
        });
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ValueTask<FapiVerdict> running = rs.ValidateAsync("Bearer " + Slow(gate.Task), A);
        await Server.WaitForIntrospectionsAsync(1);
        ValueTask<FapiVerdict> waiting = rs.ValidateAsync("Bearer " + Server.IssueToken(A), A);

        FapiVerdict overShare = await rs.ValidateAsync("Bearer " + Server.IssueToken(A), A);
        gate.SetResult();

        Assert.That(overShare.StatusCode, Is.EqualTo(429));
        Assert.That((await running).Succeeded, Is.True);
        Assert.That((await waiting).Succeeded, Is.True);
    }

    private string Slow(Task gate)
    {
        string token = FakeAuthorizationServer.NewToken();
        Server.SetResponse(token, FakeIntrospectionResponse.After(gate, ActiveForA));
        return token;
    }

    private static IntrospectionAdmission Admission(ValidatorHarness rs) => rs.Services.GetRequiredService<IntrospectionAdmission>();
}
