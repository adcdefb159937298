using Microsoft.Extensions.DependencyInjection;
using OpenEnergy.Fapi.Certificates;
using OpenEnergy.Fapi.Introspection;
using OpenEnergy.Fapi.Testing;
using OpenEnergy.Fapi.Tests.Support;
using OpenEnergy.Fapi.Validation;
using static OpenEnergy.Fapi.Tests.Support.Certificates;

namespace OpenEnergy.Fapi.Tests.Introspection;

/// <summary>
/// Each client's share of authorization-server calls (<c>MaxConcurrentIntrospectionsPerClient</c>): one caller
/// flooding new tokens gets 429 for its own excess and never starves another caller's cache miss.
/// </summary>
internal sealed class ClientShareTests : AuthorizationServerFixture
{
    [Test]
    public async Task CallerFloodingNewTokens_Gets429_AndAnotherCallersNewTokenIsStillServed()
    {
        ValidatorHarness rs = NewValidator(o =>
        {
            o.MaxConcurrentIntrospectionsPerClient = 3;
            o.MaxConcurrentIntrospections = 4;
            o.MaxQueuedIntrospections = 0;
        });
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = new List<Task<FapiVerdict>>();
        for (int i = 0; i < 3; i++)
        {
            string slow = FakeAuthorizationServer.NewToken();
            Server.SetResponse(slow, FakeIntrospectionResponse.After(gate.Task, FakeIntrospectionResponse.Active(CertificateThumbprint.FromCertificate(A))));
            held.Add(rs.ValidateAsync("Bearer " + slow, A).AsTask());
        }

        await Server.WaitForIntrospectionsAsync(3);
        FapiVerdict excess = await rs.ValidateAsync("Bearer " + Server.IssueToken(A), A);
        FapiVerdict other = await rs.ValidateAsync("Bearer " + Server.IssueToken(B), B);
        int callsWhileHeld = Server.IntrospectionCount;
        gate.SetResult();

        Assert.That(excess.StatusCode, Is.EqualTo(429));
        Assert.That(excess.Failure!.Reason, Is.EqualTo(FapiFailureReason.TooManyIntrospections));
        Assert.That(excess.Failure.Error, Is.EqualTo("too_many_requests"));
        Assert.That(excess.Failure.RetryAfterHeaderValue, Is.EqualTo("5"));
        Assert.That(excess.Failure.WwwAuthenticate, Is.Null);
        Assert.That(other.Succeeded, Is.True, "another client's new token was refused");
        Assert.That(callsWhileHeld, Is.EqualTo(4), "the refused request must not reach the authorization server");
        foreach (Task<FapiVerdict> verdict in held)
        {
            Assert.That((await verdict).Succeeded, Is.True);
        }

        Assert.That(rs.Services.GetRequiredService<IntrospectionAdmission>().ClientsWithCalls, Is.Zero);
    }

    [Test]
    public async Task CacheHitsAndJoinsOfACallUnderWay_NeverCountAgainstTheShare()
    {
        ValidatorHarness rs = NewValidator(o => o.MaxConcurrentIntrospectionsPerClient = 1);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        string slow = FakeAuthorizationServer.NewToken();
        Server.SetResponse(slow, FakeIntrospectionResponse.After(gate.Task, FakeIntrospectionResponse.Active(CertificateThumbprint.FromCertificate(A))));
        string cached = Server.IssueToken(A);
        Assert.That((await rs.ValidateAsync("Bearer " + cached, A)).Succeeded, Is.True);

        ValueTask<FapiVerdict> first = rs.ValidateAsync("Bearer " + slow, A);
        await Server.WaitForIntrospectionsAsync(2);
        ValueTask<FapiVerdict> joined = rs.ValidateAsync("Bearer " + slow, A);
        FapiVerdict hit = await rs.ValidateAsync("Bearer " + cached, A);
        gate.SetResult();

        Assert.That(hit.Succeeded, Is.True);
        Assert.That((await first).Succeeded, Is.True);
        Assert.That((await joined).Succeeded, Is.True);
        Assert.That(Server.IntrospectionCount, Is.EqualTo(2));
    }
}
