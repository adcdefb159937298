using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using OpenEnergy.Fapi.AspNetCore.Tests.Support;
using OpenEnergy.Fapi.Configuration;
using OpenEnergy.Fapi.Testing;

namespace OpenEnergy.Fapi.AspNetCore.Tests;

/// <summary>Kestrel's mutual TLS: TLS 1.2 and 1.3 for Open Energy, TLS 1.3 only for IB1 (or <c>TlsProtocols</c>).</summary>
internal sealed class TlsProtocolTests : ProviderFixture
{
    // RSA: the FAPI cipher list for TLS 1.2 has RSA suites only.
    private static readonly X509Certificate2 RsaServer = TestDirectory.Ca.IssueServerCertificate(Fapi.Testing.TestKeyAlgorithm.Rsa2048, "localhost");
    private static readonly X509Certificate2 Reader = TestDirectory.Ca.IssueIb1ClientCertificate("consumer-tls", ["reader"], "https://directory.example/apps/tls");

    private async Task<HttpStatusCode> GetOverAsync(ProviderHost host, SslProtocols protocols)
    {
        using var handler = new SocketsHttpHandler();
        handler.SslOptions.EnabledSslProtocols = protocols;
        handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, _, _) => cert is not null && cert.GetCertHashString() == RsaServer.GetCertHashString();
        handler.SslOptions.ClientCertificates = [Reader];
        handler.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => Reader;
        using var client = new HttpClient(handler) { BaseAddress = host.BaseAddress };
        using HttpRequestMessage request = ProviderHost.Get("/roles/reader", Server.IssueToken(Reader, "s1", "https://directory.example/apps/tls"));
        using HttpResponseMessage response = await client.SendAsync(request);
        return response.StatusCode;
    }

    [Test]
    public async Task OpenEnergyProfile_AcceptsTls12AndTls13()
    {
        ProviderHost host = await StartHostAsync(CertificateIntake.DirectTls, serverCertificate: RsaServer);

        Assert.That(await GetOverAsync(host, SslProtocols.Tls12), Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await GetOverAsync(host, SslProtocols.Tls13), Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Ib1Profile_AcceptsTls13Only()
    {
        ProviderHost host = await StartHostAsync(CertificateIntake.DirectTls, o =>
        {
            o.Profile = FapiProfile.Ib1;
            o.Audience = FakeAuthorizationServer.DefaultJwtAudience;
            o.Audience = FakeAuthorizationServer.DefaultJwtAudience;
        }, serverCertificate: RsaServer);

        Assert.That(await GetOverAsync(host, SslProtocols.Tls13), Is.EqualTo(HttpStatusCode.OK));
        Assert.That(async () => await GetOverAsync(host, SslProtocols.Tls12), Throws.InstanceOf<HttpRequestException>());
    }

    [Test]
    public async Task Ib1Profile_WithTlsProtocolsSetExplicitly_AcceptsTls12()
    {
        ProviderHost host = await StartHostAsync(CertificateIntake.DirectTls, o =>
        {
            o.Profile = FapiProfile.Ib1;
            o.Audience = FakeAuthorizationServer.DefaultJwtAudience;
            o.TlsProtocols = FapiTlsProtocols.Tls12AndTls13;
        }, serverCertificate: RsaServer);

        Assert.That(await GetOverAsync(host, SslProtocols.Tls12), Is.EqualTo(HttpStatusCode.OK));
    }
}
