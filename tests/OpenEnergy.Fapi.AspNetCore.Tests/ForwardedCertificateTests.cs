using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using OpenEnergy.Fapi.AspNetCore.Tests.Support;
using OpenEnergy.Fapi.Certificates;
using OpenEnergy.Fapi.Testing;
using static OpenEnergy.Fapi.AspNetCore.Tests.Support.TestDirectory;

namespace OpenEnergy.Fapi.AspNetCore.Tests;

/// <summary>Certificates forwarded by a TLS-terminating proxy: every format, and only from trusted peers.</summary>
internal sealed class ForwardedCertificateTests : ProviderFixture
{
    private ProviderHost _host = null!;

    [OneTimeSetUp]
    public async Task StartHost() => _host = await StartHostAsync(CertificateIntake.ForwardedHeader);

    private static IEnumerable<TestCaseData> FormatsOfA()
    {
        string pem = A.ExportCertificatePem() + "\n";
        string base64 = Convert.ToBase64String(A.RawData);
        yield return new TestCaseData(Uri.EscapeDataString(pem)).SetArgDisplayNames("nginx $ssl_client_escaped_cert");
        yield return new TestCaseData(Uri.EscapeDataString(pem).Replace("%2B", "+", StringComparison.Ordinal).Replace("%2F", "/", StringComparison.Ordinal).Replace("%3D", "=", StringComparison.Ordinal)).SetArgDisplayNames("AWS ALB");
        yield return new TestCaseData(Uri.EscapeDataString(pem + Ca.Certificate.ExportCertificatePem() + "\n")).SetArgDisplayNames("AWS ALB passthrough chain");
        yield return new TestCaseData($"By=spiffe://rs.test/api;Hash={Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(A.RawData))};Cert=\"{Uri.EscapeDataString(pem)}\";URI=spiffe://client.test/a").SetArgDisplayNames("Envoy XFCC");
        yield return new TestCaseData(Uri.EscapeDataString(base64) + "," + Uri.EscapeDataString(Convert.ToBase64String(Ca.Certificate.RawData))).SetArgDisplayNames("Traefik v2 chain");
        yield return new TestCaseData(base64).SetArgDisplayNames("Traefik v3 / Azure / ASP.NET base64 DER");
        yield return new TestCaseData(pem.Replace("\n", " ", StringComparison.Ordinal).Trim()).SetArgDisplayNames("PEM unfolded to spaces");
    }

    [TestCaseSource(nameof(FormatsOfA))]
    public async Task EveryProxyFormat_FromATrustedPeer_IsServed(string header)
    {
        using HttpClient client = _host.Client(null);
        using HttpRequestMessage request = ProviderHost.Get("/v1/data", TokenFor(A));
        request.Headers.TryAddWithoutValidation("X-OE-CLIENT-CERT", header);

        using HttpResponseMessage response = await client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
    }

    private static IEnumerable<TestCaseData> AppendixAHeaders()
    {
        using JsonDocument vectors = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Vectors", "rfc8705-appendix-a.json")));
        foreach (JsonProperty header in vectors.RootElement.GetProperty("headers").EnumerateObject())
        {
            string value = header.Value.GetString()!;
            if (!value.Contains('\n', StringComparison.Ordinal))
            {
                // Folded values cannot travel as one HTTP/1.1 header line (Kestrel refuses obs-fold).
                yield return new TestCaseData(value).SetArgDisplayNames(header.Name);
            }
        }
    }

    [TestCaseSource(nameof(AppendixAHeaders))]
    public async Task Rfc8705AppendixACertificate_InEveryHeaderForm_MatchesItsBinding(string header)
    {
        string token = FakeAuthorizationServer.NewToken();
        Assert.That(CertificateThumbprint.TryParse("A4DtL2JmUMhAsvJj5tKyn64SqzmuXbMrJa0n761y5v0", out CertificateThumbprint appendixA), Is.True);
        Server.SetResponse(token, FakeIntrospectionResponse.Active(appendixA, "s1"));
        using HttpClient client = _host.Client(null);
        using HttpRequestMessage request = ProviderHost.Get("/v1/data", token);
        request.Headers.TryAddWithoutValidation("X-OE-CLIENT-CERT", header);

        using HttpResponseMessage response = await client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
    }

    [TestCase("%%%")]
    [TestCase("-----BEGIN CERTIFICATE-----")]
    [TestCase("aGVsbG8=")]
    [TestCase("By=a,By=b")]
    public async Task UndecodableHeader_IsNoCertificate_Never500(string header)
    {
        using HttpClient client = _host.Client(null);
        using HttpRequestMessage request = ProviderHost.Get("/v1/data", TokenFor(A));
        request.Headers.TryAddWithoutValidation("X-OE-CLIENT-CERT", header);

        using HttpResponseMessage response = await client.SendAsync(request);

        await ResponseAssert.RefusedAsync(response, HttpStatusCode.Unauthorized, "invalid_token");
    }

    [Test]
    public async Task RepeatedHeader_IsNoCertificate()
    {
        // HttpClient would merge the two into one line, so the request is written by hand: two header lines.
        string certificate = Convert.ToBase64String(A.RawData);
        string request = "GET /v1/data HTTP/1.1\r\nHost: localhost\r\n"
            + $"Authorization: Bearer {TokenFor(A)}\r\n"
            + $"X-OE-CLIENT-CERT: {certificate}\r\nX-OE-CLIENT-CERT: {certificate}\r\nConnection: close\r\n\r\n";
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, _host.BaseAddress.Port);
        await using System.Net.Sockets.NetworkStream stream = tcp.GetStream();
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream);

        string response = await reader.ReadToEndAsync();

        Assert.That(response, Does.StartWith("HTTP/1.1 401"));
        Assert.That(response, Does.Contain("error=\"invalid_token\""));
    }

    [Test]
    public async Task HeaderFromAnUntrustedPeer_IsIgnored()
    {
        // Loopback is not in this list, so the test client is "anyone", not the proxy (spec rule X-01).
        ProviderHost exposed = await StartHostAsync(CertificateIntake.ForwardedHeader, o => o.TrustedProxies.Add("192.0.2.10"));
        using HttpClient client = exposed.Client(A);

        using HttpResponseMessage response = await client.SendAsync(ProviderHost.Get("/v1/data", TokenFor(A)));

        await ResponseAssert.RefusedAsync(response, HttpStatusCode.Unauthorized, "invalid_token");
        Assert.That(exposed.Logs.GetSnapshot().Any(r => r.Message.Contains("not a trusted proxy", StringComparison.Ordinal)), Is.True);
    }

    [Test]
    public async Task HeaderForgedWithAnotherCertificate_ThroughTheProxy_IsInvalidToken()
    {
        // The proxy overwrote the header with the certificate of the handshake (B); the token is A's.
        using HttpClient client = _host.Client(B);

        using HttpResponseMessage response = await client.SendAsync(ProviderHost.Get("/v1/data", TokenFor(A)));

        await ResponseAssert.RefusedAsync(response, HttpStatusCode.Unauthorized, "invalid_token");
    }

    [TestCase("SUCCESS", HttpStatusCode.OK)]
    [TestCase("FAILED:unable to verify the first certificate", HttpStatusCode.Unauthorized)]
    [TestCase("NONE", HttpStatusCode.Unauthorized)]
    public async Task ProxyVerdictHeader_MustSaySuccess(string verdict, HttpStatusCode expected)
    {
        ProviderHost verifying = await StartHostAsync(CertificateIntake.ForwardedHeader, o => o.ClientCertificateVerifyHeader = "X-OE-CLIENT-VERIFY");
        using HttpClient client = verifying.Client(A);
        using HttpRequestMessage request = ProviderHost.Get("/v1/data", TokenFor(A));
        request.Headers.TryAddWithoutValidation("X-OE-CLIENT-VERIFY", verdict);

        using HttpResponseMessage response = await client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(expected));
    }

    [Test]
    public async Task CertificateObject_IsAvailableOnDemand()
    {
        ProviderHost host = await StartHostAsync(CertificateIntake.ForwardedHeader, http: o => o.Events.OnValidated = context =>
        {
            X509Certificate2? certificate = context.HttpContext.Features.Get<Features.IFapiClientCertificateFeature>()!.GetCertificate();
            if (certificate?.GetNameInfo(X509NameType.SimpleName, false) != "consumer-a")
            {
                context.Reject("wrong subject");
            }

            return Task.CompletedTask;
        });
        using HttpClient client = host.Client(A);

        using HttpResponseMessage response = await client.SendAsync(ProviderHost.Get("/v1/data", TokenFor(A)));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task OnValidatedPolicy_CanRefuse_With403()
    {
        ProviderHost host = await StartHostAsync(CertificateIntake.ForwardedHeader, http: o => o.Events.OnValidated = context =>
        {
            context.Reject("organisation not allowed");
            return Task.CompletedTask;
        });
        using HttpClient client = host.Client(A);

        using HttpResponseMessage response = await client.SendAsync(ProviderHost.Get("/v1/data", TokenFor(A)));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        ResponseAssert.FapiHeaders(response);
    }

    [Test]
    public async Task HeaderLongerThanMaxForwardedCertificateHeaderLength_IsNoCertificate()
    {
        ProviderHost strict = await StartHostAsync(CertificateIntake.ForwardedHeader, o => o.MaxForwardedCertificateHeaderLength = 16 * 1024);
        string token = TokenFor(A);
        // A valid certificate, padded to about 20,000 characters with escaped line breaks, which the decoder skips.
        string header = Uri.EscapeDataString(A.ExportCertificatePem() + "\n") + string.Concat(Enumerable.Repeat("%0A", 6_000));

        using HttpResponseMessage withinDefault = await Send(_host, header, token);
        using HttpResponseMessage overLimit = await Send(strict, header, token);

        Assert.That(withinDefault.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await ResponseAssert.RefusedAsync(overLimit, HttpStatusCode.Unauthorized, "invalid_token");

        static async Task<HttpResponseMessage> Send(ProviderHost host, string header, string token)
        {
            using HttpClient client = host.Client(null);
            using HttpRequestMessage request = ProviderHost.Get("/v1/data", token);
            request.Headers.TryAddWithoutValidation("X-OE-CLIENT-CERT", header);
            return await client.SendAsync(request);
        }
    }
}
