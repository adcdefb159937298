using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpenEnergy.Fapi.Certificates;
using OpenEnergy.Fapi.Configuration;
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
    public async Task AServerKeepingCallsWaiting_LowersTheCallLimit_AndTheWaitMovesHere()
    {
        ValidatorHarness rs = AdaptiveValidator(4);
        await CallTakingAsync(rs, TimeSpan.FromMilliseconds(10)); // the quickest answer: 10 ms
        Assert.That(Admission(rs).CallLimit, Is.EqualTo(4));

        // Answers now take 1 s, most of it waiting in the server's queue, beyond half the 100 ms timeout: each
        // round of calls at the limit lowers it by a tenth (4, 3.6, 3.24, 2.92).
        await RoundsAtTheLimitAsync(rs, TimeSpan.FromMilliseconds(1000), until: limit => limit == 2);

        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int before = Server.IntrospectionCount;
        ValueTask<FapiVerdict> first = rs.ValidateAsync("Bearer " + Slow(gate.Task), A);
        ValueTask<FapiVerdict> second = rs.ValidateAsync("Bearer " + Slow(gate.Task), A);
        await Server.WaitForIntrospectionsAsync(before + 2);
        // A free slot below the maximum of 4, but not below the limit of 2; and a turn in the queue would take
        // longer than the timeout: refused at once, without a call.
        FapiVerdict third = await rs.ValidateAsync("Bearer " + Server.IssueToken(B), B);
        gate.SetResult();

        Assert.That(third.StatusCode, Is.EqualTo(503));
        Assert.That(third.Failure!.Reason, Is.EqualTo(FapiFailureReason.AuthorizationServerBusy));
        Assert.That(third.Failure.RetryAfterHeaderValue, Is.Not.Null);
        Assert.That((await first).Succeeded, Is.True);
        Assert.That((await second).Succeeded, Is.True);
        Assert.That(Server.IntrospectionCount, Is.EqualTo(before + 2), "the shed request never reached the authorization server");
    }

    [Test]
    public async Task SlowAnswersAtALightLoad_LeaveTheLimitAlone()
    {
        // With calls to spare, the wait at the server is not this instance's doing: a slow answer changes nothing.
        ValidatorHarness rs = AdaptiveValidator(4);
        await CallTakingAsync(rs, TimeSpan.FromMilliseconds(10));
        for (int i = 0; i < 5; i++)
        {
            await CallTakingAsync(rs, TimeSpan.FromMilliseconds(1000));
        }

        Assert.That(Admission(rs).CallLimit, Is.EqualTo(4));
    }

    [Test]
    public async Task TheCallLimit_NeverFallsBelowOne_AndClimbsBackWhenAnswersAreQuickAgain()
    {
        ValidatorHarness rs = AdaptiveValidator(3);
        await CallTakingAsync(rs, TimeSpan.FromMilliseconds(10));
        await RoundsAtTheLimitAsync(rs, TimeSpan.FromMilliseconds(2000), until: limit => limit == 1);
        await RoundsAtTheLimitAsync(rs, TimeSpan.FromMilliseconds(2000), rounds: 3);
        Assert.That(Admission(rs).CallLimit, Is.EqualTo(1), "one call can always go, so the server's recovery is seen");

        await RoundsAtTheLimitAsync(rs, TimeSpan.FromMilliseconds(10), until: limit => limit == 3);
    }

    [Test]
    public void WhenTheLimitRises_WaitingCallsFillTheNewSlotsAtOnce()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        IntrospectionAdmission admission = NewAdmission(4, time);
        CertificateThumbprint a = CertificateThumbprint.FromCertificate(A), b = CertificateThumbprint.FromCertificate(B);

        Call(a).Finish(IntrospectionAdmission.CallEnd.Active, Took(10)); // the quickest answer: 10 ms
        foreach (int round in new[] { 4, 3, 3 })
        {
            // Rounds at the limit answered after 3 s: 4, 3.6, 3.24, 2.92.
            long started = time.GetTimestamp();
            var calls = Enumerable.Range(0, round).Select(_ => Call(a)).ToList();
            time.Advance(TimeSpan.FromSeconds(3));
            calls.ForEach(call => call.Finish(IntrospectionAdmission.CallEnd.Active, started));
        }

        Assert.That(admission.CallLimit, Is.EqualTo(2));
        for (int i = 0; i < 10; i++)
        {
            // Quick answers one at a time, below the limit: the average comes down, the limit stays.
            Call(b).Finish(IntrospectionAdmission.CallEnd.Active, Took(10));
        }

        Assert.That(admission.CallLimit, Is.EqualTo(2));
        long runningSince = time.GetTimestamp();
        IntrospectionAdmission.Admission first = Call(a), second = Call(b);
        Assert.That(admission.Admit(b, out Task<AdmissionResult>? waitingOne).Verdict, Is.EqualTo(AdmissionVerdict.Queued));
        Assert.That(admission.Admit(b, out Task<AdmissionResult>? waitingTwo).Verdict, Is.EqualTo(AdmissionVerdict.Queued));
        time.Advance(TimeSpan.FromMilliseconds(10));
        first.Finish(IntrospectionAdmission.CallEnd.Active, runningSince); // quick, at the limit: it rises to 3.26

        Assert.That(admission.CallLimit, Is.EqualTo(3));
        Assert.That(admission.Load, Is.EqualTo((3, 0)), "both waiting calls run: a standing queue does not hold the limit down");
        Assert.That(waitingOne!.IsCompletedSuccessfully && waitingTwo!.IsCompletedSuccessfully, Is.True);
        second.GiveBack();

        IntrospectionAdmission.Admission Call(CertificateThumbprint client)
        {
            AdmissionResult result = admission.Admit(client, out _);
            Assert.That(result.Verdict, Is.EqualTo(AdmissionVerdict.Admitted));
            return result.Admission!;
        }

        long Took(int milliseconds)
        {
            long callStarted = time.GetTimestamp();
            time.Advance(TimeSpan.FromMilliseconds(milliseconds));
            return callStarted;
        }
    }

    [Test]
    public async Task AnAdmissionReleasedTwice_FreesOneSlot()
    {
        IntrospectionAdmission admission = NewAdmission(1, new FakeTimeProvider());
        CertificateThumbprint a = CertificateThumbprint.FromCertificate(A);
        IntrospectionAdmission.Admission held = admission.Admit(a, out _).Admission!;
        Assert.That(admission.Admit(a, out Task<AdmissionResult>? queued).Verdict, Is.EqualTo(AdmissionVerdict.Queued));

        held.GiveBack();
        held.GiveBack();

        Assert.That(admission.Load, Is.EqualTo((1, 0)), "the second release did nothing: the queued call holds the one slot");
        (await queued!).Admission!.GiveBack();
        Assert.That(admission.Load, Is.EqualTo((0, 0)));
    }

    [Test]
    public async Task SlowAnswersArrivingTogether_LowerTheLimitOnce()
    {
        // They were all asked before the first of them lowered it: lowering again for each would overshoot.
        ValidatorHarness rs = AdaptiveValidator(10, o => o.MaxConcurrentIntrospectionsPerClient = 10);
        await CallTakingAsync(rs, TimeSpan.FromMilliseconds(10));

        await CallsTakingAsync(rs, 10, TimeSpan.FromMilliseconds(1000));

        Assert.That(Admission(rs).CallLimit, Is.EqualTo(9));
    }

    [Test]
    public async Task QuickFailuresAndInactiveAnswers_AreNotTakenForTheServersQuickestAnswer()
    {
        ValidatorHarness rs = AdaptiveValidator(4, o => o.IntrospectionRetryCount = 0);
        await CallsTakingAsync(rs, 4, TimeSpan.FromMilliseconds(200)); // every active answer takes 200 ms
        string failing = FakeAuthorizationServer.NewToken();
        Server.SetResponse(failing, FakeIntrospectionResponse.Status(500));
        Assert.That((await rs.ValidateAsync("Bearer " + failing, A)).StatusCode, Is.EqualTo(503)); // an error page in no time
        string madeUp = FakeAuthorizationServer.NewToken();
        Server.SetResponse(madeUp, FakeIntrospectionResponse.Inactive());
        Assert.That((await rs.ValidateAsync("Bearer " + madeUp, A)).StatusCode, Is.EqualTo(401)); // a made-up token, in no time
        await CallsTakingAsync(rs, 4, TimeSpan.FromMilliseconds(200));

        // Had either counted as the quickest answer, a 200 ms answer would look like 200 ms of waiting.
        Assert.That(Admission(rs).CallLimit, Is.EqualTo(4));
    }

    [Test]
    public async Task TheQuickestAnswer_IsForgottenAfterTwoWindows()
    {
        ValidatorHarness rs = AdaptiveValidator(8);
        await CallTakingAsync(rs, TimeSpan.FromMilliseconds(10));
        // The server has become slower for good: every answer now takes 500 ms. The first answer of each round
        // finds the average more than half the timeout over the 10 ms best: 8, 7.2, 6.48, 5.83.
        await RoundsAtTheLimitAsync(rs, TimeSpan.FromMilliseconds(500), rounds: 3);
        Assert.That(Admission(rs).CallLimit, Is.EqualTo(5), "500 ms answers against a 10 ms best look like waiting");

        Time.Advance(IntrospectionAdmission.FastestCallWindow);
        await RoundsAtTheLimitAsync(rs, TimeSpan.FromMilliseconds(500), rounds: 1); // a new window
        Time.Advance(IntrospectionAdmission.FastestCallWindow);
        int before = Admission(rs).CallLimit;
        await RoundsAtTheLimitAsync(rs, TimeSpan.FromMilliseconds(500), rounds: 1); // and another: the 10 ms answer is gone

        Assert.That(Admission(rs).CallLimit, Is.EqualTo(before), "500 ms is now the server's own time: no more lowering");
    }

    [Test]
    public async Task TheQuickestAnswer_IsDroppedAfterAQuietSpell()
    {
        ValidatorHarness rs = AdaptiveValidator(8);
        await CallTakingAsync(rs, TimeSpan.FromMilliseconds(10));

        // Nothing for two windows; then every answer takes 500 ms. A 10 ms answer from before the spell says
        // nothing about the server now.
        Time.Advance(2 * IntrospectionAdmission.FastestCallWindow);
        await RoundsAtTheLimitAsync(rs, TimeSpan.FromMilliseconds(500), rounds: 1);

        Assert.That(Admission(rs).CallLimit, Is.EqualTo(8));
    }

    [Test]
    public async Task ACallThatTimesOut_DoesNotLookLikeWaitingAtTheServer()
    {
        // A timeout is a fault, not a measure of the server's queue: only active answers are compared.
        ValidatorHarness rs = AdaptiveValidator(4, o => o.IntrospectionRetryCount = 0);
        await CallsTakingAsync(rs, 4, TimeSpan.FromMilliseconds(10));
        string hanging = FakeAuthorizationServer.NewToken();
        Server.SetResponse(hanging, FakeIntrospectionResponse.Hang());
        int before = Server.IntrospectionCount;
        ValueTask<FapiVerdict> timingOut = rs.ValidateAsync("Bearer " + hanging, A);
        await Server.WaitForIntrospectionsAsync(before + 1).WaitAsync(TimeSpan.FromSeconds(30));
        Time.Advance(TimeSpan.FromSeconds(5));
        Assert.That((await timingOut).StatusCode, Is.EqualTo(503));

        await CallsTakingAsync(rs, 4, TimeSpan.FromMilliseconds(10));

        Assert.That(Admission(rs).CallLimit, Is.EqualTo(4));
    }

    /// <summary>Rounds of as many calls at once as the limit allows, each answered after <paramref name="duration"/>.</summary>
    private async Task RoundsAtTheLimitAsync(ValidatorHarness rs, TimeSpan duration, Func<int, bool>? until = null, int rounds = 50)
    {
        for (int round = 0; round < rounds && until?.Invoke(Admission(rs).CallLimit) != true; round++)
        {
            await CallsTakingAsync(rs, Admission(rs).CallLimit, duration);
        }

        if (until is not null)
        {
            Assert.That(until(Admission(rs).CallLimit), Is.True, $"the limit is {Admission(rs).CallLimit} after {rounds} rounds");
        }
    }

    /// <summary>
    /// A validator whose call limit adapts: at most <paramref name="maxCalls"/> at once and a 100 ms queue timeout, so
    /// its limit is lowered while answers come more than 50 ms slower than the quickest.
    /// </summary>
    private ValidatorHarness AdaptiveValidator(int maxCalls, Action<FapiOptions>? more = null)
        => NewValidator(o =>
        {
            o.MaxConcurrentIntrospections = maxCalls;
            o.IntrospectionQueueTimeout = TimeSpan.FromMilliseconds(100);
            more?.Invoke(o);
        });

    /// <summary>The admission step alone, on <paramref name="time"/>, with the default 1 s queue timeout.</summary>
    private static IntrospectionAdmission NewAdmission(int maxCalls, TimeProvider time)
        => new(Microsoft.Extensions.Options.Options.Create(new FapiOptions { MaxConcurrentIntrospections = maxCalls }), time);

    /// <summary>Makes one call that the server answers after <paramref name="duration"/> on the fake clock.</summary>
    private Task CallTakingAsync(ValidatorHarness rs, TimeSpan duration) => CallsTakingAsync(rs, 1, duration);

    /// <summary>Makes <paramref name="count"/> calls at once, all answered after <paramref name="duration"/>.</summary>
    private async Task CallsTakingAsync(ValidatorHarness rs, int count, TimeSpan duration)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int before = Server.IntrospectionCount;
        var calls = new List<Task<FapiVerdict>>();
        for (int i = 0; i < count; i++)
        {
            calls.Add(rs.ValidateAsync("Bearer " + Slow(gate.Task), A).AsTask());
        }

        // Bounded in real time, so a call refused here fails the test instead of hanging it.
        await Server.WaitForIntrospectionsAsync(before + count).WaitAsync(TimeSpan.FromSeconds(30));
        Time.Advance(duration);
        gate.SetResult();
        foreach (Task<FapiVerdict> call in calls)
        {
            Assert.That((await call).Succeeded, Is.True);
        }
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
