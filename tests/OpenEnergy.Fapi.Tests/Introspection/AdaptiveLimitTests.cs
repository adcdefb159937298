using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OpenEnergy.Fapi.Certificates;
using OpenEnergy.Fapi.Configuration;
using OpenEnergy.Fapi.Introspection;
using static OpenEnergy.Fapi.Tests.Support.Certificates;

namespace OpenEnergy.Fapi.Tests.Introspection;

/// <summary>
/// The limit on calls at once follows the authorization server: fewer when calls take twice as long as the quickest
/// seen lately (the server queues them), more again when they are quick with every slot in use, never below a quarter
/// of <c>MaxConcurrentIntrospections</c>. On the fake clock.
/// </summary>
public class AdaptiveLimitTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly CertificateThumbprint _client = CertificateThumbprint.FromCertificate(A);

    [Test]
    public void SlowCalls_LowerTheLimit_DownToAQuarter_AndQuickCallsWithEverySlotInUse_RaiseItAgain()
    {
        IntrospectionAdmission admission = New(maxConcurrent: 8);
        Call(admission, TimeSpan.FromMilliseconds(20));
        Assert.That(admission.Limit, Is.EqualTo(8));

        Call(admission, TimeSpan.FromMilliseconds(100));
        Assert.That(admission.Limit, Is.EqualTo(7), "a call five times the quickest");

        for (int i = 0; i < 100; i++)
        {
            Call(admission, TimeSpan.FromMilliseconds(100));
        }

        Assert.That(admission.Limit, Is.EqualTo(2), "never below a quarter of MaxConcurrentIntrospections");

        for (int round = 0; round < 200; round++)
        {
            // Every slot in use, each call quick.
            var calls = Enumerable.Range(0, admission.Limit).Select(_ => Admit(admission)).ToList();
            _time.Advance(TimeSpan.FromMilliseconds(20));
            calls.ForEach(c => c.Dispose());
        }

        Assert.That(admission.Limit, Is.EqualTo(8), "back to MaxConcurrentIntrospections, never beyond");
    }

    [Test]
    public void QuickestCallSeenLately_FollowsAServerThatGotSlowerForGood()
    {
        IntrospectionAdmission admission = New(maxConcurrent: 8);
        Call(admission, TimeSpan.FromMilliseconds(20));
        Call(admission, TimeSpan.FromMilliseconds(100));
        int lowered = admission.Limit;

        // Two baseline windows of 100 ms calls: 100 ms is the new quickest, and such calls lower nothing any more.
        for (int i = 0; i < 3; i++)
        {
            _time.Advance(IntrospectionAdmission.BaselineWindow);
            Call(admission, TimeSpan.FromMilliseconds(100));
        }

        int settled = admission.Limit;
        Call(admission, TimeSpan.FromMilliseconds(100));
        Assert.That(admission.Limit, Is.EqualTo(settled));
        Assert.That(settled, Is.LessThanOrEqualTo(lowered));
    }

    private IntrospectionAdmission New(int maxConcurrent)
        => new(Options.Create(new FapiOptions { MaxConcurrentIntrospections = maxConcurrent, MaxConcurrentIntrospectionsPerClient = 1000 }), _time);

    private void Call(IntrospectionAdmission admission, TimeSpan duration)
    {
        IntrospectionAdmission.Admission call = Admit(admission);
        _time.Advance(duration);
        call.Dispose();
    }

    private IntrospectionAdmission.Admission Admit(IntrospectionAdmission admission)
    {
        AdmissionResult result = admission.Admit(_client, out Task<AdmissionResult>? queued);
        Assert.That(result.Verdict, Is.EqualTo(AdmissionVerdict.Admitted));
        Assert.That(queued, Is.Null);
        return result.Admission;
    }
}
