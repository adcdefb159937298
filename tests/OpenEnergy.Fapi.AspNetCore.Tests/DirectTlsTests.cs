using System.Net;
using System.Security.Cryptography.X509Certificates;
using OpenEnergy.Fapi.AspNetCore.Tests.Support;
using static OpenEnergy.Fapi.AspNetCore.Tests.Support.TestDirectory;

namespace OpenEnergy.Fapi.AspNetCore.Tests;

/// <summary>Kestrel terminating mutual TLS: only the directory's CA, and the certificate of the handshake.</summary>
internal sealed class DirectTlsTests : ProviderFixture
{
    private ProviderHost _host = null!;

    [OneTimeSetUp]
    public async Task StartHost() => _host = await StartHostAsync(CertificateIntake.DirectTls);

    private static IEnumerable<TestCaseData> RefusedCertificates()
    {
        yield return new TestCaseData(Foreign).SetArgDisplayNames("other CA");
        yield return new TestCaseData(SelfSigned).SetArgDisplayNames("self-signed");
        yield return new TestCaseData(Expired).SetArgDisplayNames("expired");
    }

    [TestCaseSource(nameof(RefusedCertificates))]
    public async Task CertificateOutsideTheDirectory_IsRefusedAtTheHandshake_EvenWithABoundToken(X509Certificate2 certificate)
    {
        using HttpClient client = _host.Client(certificate);

        Assert.That(async () => await client.SendAsync(ProviderHost.Get("/v1/data", TokenFor(certificate))), Throws.InstanceOf<HttpRequestException>());
    }

    [Test]
    public async Task NoCertificate_IsRefusedAtTheHandshake()
    {
        using HttpClient client = _host.Client(null);

        Assert.That(async () => await client.SendAsync(ProviderHost.Get("/v1/data", TokenFor(A))), Throws.InstanceOf<HttpRequestException>());
    }

    [Test]
    public async Task Http2_GetsTheCertificateWithoutRenegotiation()
    {
        using HttpClient client = _host.Client(A);
        using HttpRequestMessage request = ProviderHost.Get("/v1/data", TokenFor(A));
        request.Version = HttpVersion.Version20;
        request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;

        using HttpResponseMessage response = await client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Version, Is.EqualTo(HttpVersion.Version20));
    }

    [Test]
    public async Task ForwardedHeader_NeverOverridesTheHandshakeCertificate()
    {
        ProviderHost both = await StartHostAsync(CertificateIntake.DirectTls, o => o.ClientCertificateHeader = "X-Client-Cert");
        using HttpClient client = both.Client(B);
        using HttpRequestMessage request = ProviderHost.Get("/v1/data", TokenFor(A));
        request.Headers.TryAddWithoutValidation("X-Client-Cert", Convert.ToBase64String(A.RawData));

        using HttpResponseMessage response = await client.SendAsync(request);

        await ResponseAssert.RefusedAsync(response, HttpStatusCode.Unauthorized, "invalid_token");
    }

    [Test]
    public async Task ManyRequestsOnOneConnection_AreServed()
    {
        using HttpClient client = _host.Client(A);
        string token = TokenFor(A);

        for (int i = 0; i < 5; i++)
        {
            using HttpResponseMessage response = await client.SendAsync(ProviderHost.Get("/v1/data", token));
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }
    }
}
