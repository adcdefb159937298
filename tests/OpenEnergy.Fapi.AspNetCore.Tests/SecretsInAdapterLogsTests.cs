using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using OpenEnergy.Fapi.AspNetCore.Tests.Support;
using OpenEnergy.Fapi.Testing;
using static OpenEnergy.Fapi.AspNetCore.Tests.Support.TestDirectory;

namespace OpenEnergy.Fapi.AspNetCore.Tests;

/// <summary>The adapter's and the core's log entries, at Trace, over every kind of request: no token, no key, no PEM.</summary>
internal sealed partial class SecretsInAdapterLogsTests : ProviderFixture
{
    [GeneratedRegex("oe_[A-Za-z0-9_-]{43}")]
    private static partial Regex Token();

    [Test]
    public async Task RequestsOfEveryKind_LeaveNoSecretInTheLibrarysLogs()
    {
        ProviderHost host = await StartHostAsync(CertificateIntake.ForwardedHeader, o => o.ClientCertificateVerifyHeader = null);
        using HttpClient a = host.Client(A);
        using HttpClient b = host.Client(B);
        string token = TokenFor(A);
        string outage = FakeAuthorizationServer.NewToken();
        Server.SetResponse(outage, FakeIntrospectionResponse.Status(500));

        await a.SendAsync(ProviderHost.Get("/v1/data", token));
        await b.SendAsync(ProviderHost.Get("/v1/data", token));
        await a.SendAsync(ProviderHost.Get("/v1/s3", token));
        await a.SendAsync(ProviderHost.Get("/v1/data?access_token=" + token, null));
        await a.SendAsync(ProviderHost.Get("/v1/data", outage));
        await a.SendAsync(ProviderHost.Get("/authz", token));
        using HttpRequestMessage garbage = ProviderHost.Get("/v1/data", token, "not-a-uuid");
        garbage.Headers.TryAddWithoutValidation("X-OE-CLIENT-CERT", "%%%");
        using HttpClient anonymous = host.Client(null);
        await anonymous.SendAsync(garbage);
        using var malformed = new HttpRequestMessage(HttpMethod.Get, "/v1/data");
        malformed.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token + " extra");
        await a.SendAsync(malformed);

        var entries = host.Logs.GetSnapshot().Where(r => r.Category?.StartsWith("OpenEnergy.", StringComparison.Ordinal) == true).ToList();
        Assert.That(entries, Is.Not.Empty);
        foreach (var entry in entries)
        {
            string text = entry.Message + " " + string.Join(" ", entry.Scopes.Select(s => s?.ToString())) + " " + entry.Exception;
            Assert.That(Token().IsMatch(text), Is.False, $"a token was logged: {entry.Message}");
            Assert.That(text, Does.Not.Contain("BEGIN CERTIFICATE").And.Not.Contain("BEGIN%20CERTIFICATE").And.Not.Contain("PRIVATE KEY"));
        }
    }
}
