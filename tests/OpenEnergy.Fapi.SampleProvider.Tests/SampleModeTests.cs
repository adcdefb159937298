using System.Net;
using System.Net.Http.Headers;
using OpenEnergy.Fapi.SampleProvider.Tests.Support;
using OpenEnergy.Fapi.Testing;
using static OpenEnergy.Fapi.SampleProvider.Tests.Support.SampleHost;

namespace OpenEnergy.Fapi.SampleProvider.Tests;

/// <summary>Behind a proxy: raw request targets that try to climb out of the data folder.</summary>
internal sealed class SampleForwardedModeTests
{
    private SampleHost _host = null!;

    [OneTimeSetUp]
    public async Task Start() => _host = await SampleHost.StartAsync(Intake.Forwarded);

    [OneTimeTearDown]
    public async Task Stop() => await _host.DisposeAsync();

    [TestCase("/../secret")]
    [TestCase("/data/../secret")]
    [TestCase("/%2E%2E/secret")]
    [TestCase("/..%5Csecret")]
    [TestCase("/..%252fsecret")]
    [TestCase("/%c0%ae%c0%ae/secret")]
    public async Task RawTraversal_NeverReachesAFileOutsideTheDataFolder(string target)
    {
        string response = await _host.SendRawAsync(target, A, _host.TokenFor(A));

        Assert.That(response, Does.Not.Contain("outside,the,data,folder"));
        Assert.That(response, Does.Match("^HTTP/1.1 (400|404)"));
    }
}

/// <summary>Kestrel terminating mutual TLS from configuration alone.</summary>
internal sealed class SampleDirectTlsModeTests
{
    private SampleHost _host = null!;

    [OneTimeSetUp]
    public async Task Start() => _host = await SampleHost.StartAsync(Intake.DirectTls);

    [OneTimeTearDown]
    public async Task Stop() => await _host.DisposeAsync();

    private static HttpRequestMessage Request(string path, string token, Action<HttpRequestMessage>? adjust = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        adjust?.Invoke(request);
        return request;
    }

    [Test]
    public async Task DirectRequestWithForgedHeader_IsNotBelieved()
    {
        using HttpClient client = _host.Client(B);
        using HttpRequestMessage request = Request("/example", _host.TokenFor(A), r => r.Headers.TryAddWithoutValidation("X-OE-CLIENT-CERT", Convert.ToBase64String(A.RawData)));

        using HttpResponseMessage response = await client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(response.Headers.WwwAuthenticate.ToString(), Does.Contain("error=\"invalid_token\""));
    }

    [Test]
    public void ForeignCertificate_IsRefusedAtTheHandshake()
    {
        using var other = TestCertificateAuthority.Create("Other CA");

        using HttpClient client = _host.Client(other.IssueClientCertificate("x"));
        using HttpRequestMessage request = Request("/example", _host.TokenFor(A));

        Assert.That(async () => await client.SendAsync(request), Throws.InstanceOf<HttpRequestException>());
    }
}
