using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using OpenEnergy.Fapi.AspNetCore.Tests.Support;
using OpenEnergy.Fapi.Certificates;
using static OpenEnergy.Fapi.AspNetCore.Tests.Support.TestDirectory;

namespace OpenEnergy.Fapi.AspNetCore.Tests;

/// <summary>
/// A client certificate refused during Kestrel's handshake leaves a trace in the provider's log (the consumer sees
/// only a failed handshake): the reason, the subject and the thumbprint, at Information, at most one line per 10 s.
/// </summary>
internal sealed class HandshakeRefusalLogTests : ProviderFixture
{
    private static IEnumerable<TestCaseData> Refused()
    {
        yield return new TestCaseData(Foreign, "PartialChain").SetArgDisplayNames("other CA");
        yield return new TestCaseData(Expired, "NotTimeValid").SetArgDisplayNames("expired");
    }

    [TestCaseSource(nameof(Refused))]
    public async Task RefusedCertificate_IsLogged_WithReasonSubjectAndThumbprint(X509Certificate2 certificate, string reason)
    {
        // A host of its own: the report interval starts afresh.
        ProviderHost host = await StartHostAsync(CertificateIntake.DirectTls);
        using HttpClient client = host.Client(certificate);

        Assert.That(async () => await client.SendAsync(ProviderHost.Get("/v1/data", "x")), Throws.InstanceOf<HttpRequestException>());

        FakeLogRecord line = host.Logs.GetSnapshot().Single(r => r.Message.StartsWith("A client certificate was refused in the TLS handshake", StringComparison.Ordinal));
        Assert.That(line.Level, Is.EqualTo(LogLevel.Information));
        Assert.That(line.Message, Does.Contain(reason)
            .And.Contain(certificate.Subject)
            .And.Contain(CertificateThumbprint.FromCertificate(certificate).ToString())
            .And.Contain("TrustedClientCaPath"));
    }

    [Test]
    public async Task RepeatedRefusals_AreReportedOnce_PerInterval()
    {
        ProviderHost host = await StartHostAsync(CertificateIntake.DirectTls);
        for (int i = 0; i < 3; i++)
        {
            using HttpClient client = host.Client(Foreign);
            Assert.That(async () => await client.SendAsync(ProviderHost.Get("/v1/data", "x")), Throws.InstanceOf<HttpRequestException>());
        }

        Assert.That(host.Logs.GetSnapshot().Count(r => r.Message.StartsWith("A client certificate was refused in the TLS handshake", StringComparison.Ordinal)), Is.EqualTo(1));
    }
}
