using System.Net;
using System.Net.Http.Headers;
using System.Runtime.Versioning;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;
using OpenEnergy.Fapi.SampleProvider.Tests.Support;
using OpenEnergy.Fapi.Testing;
using static OpenEnergy.Fapi.SampleProvider.Tests.Support.SampleHost;

namespace OpenEnergy.Fapi.SampleProvider.Tests;

/// <summary>The sample under the IB1 profile: dataset roles from configuration, and dev mode with <c>--profile ib1</c>.</summary>
internal sealed class SampleIb1Tests
{
    private const string App = "https://directory.example/apps/sample-consumer";
    private static readonly X509Certificate2 Reader = SampleHost.Directory.IssueIb1ClientCertificate("sample-reader", ["reader"], App);
    private static readonly X509Certificate2 Generator = SampleHost.Directory.IssueIb1ClientCertificate("sample-generator", ["generation-reader"], App);

    private static Task<SampleHost> StartIb1Async() => SampleHost.StartAsync(Intake.Forwarded, configure: b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["OpenEnergy:Fapi:Profile"] = "Ib1",
        ["OpenEnergy:Fapi:Audience"] = FakeAuthorizationServer.DefaultJwtAudience,
        ["OpenEnergy:Fapi:AcceptedRoles:0"] = "reader",
        // The dataset name as in the URL, ignoring case as configuration keys do.
        ["Provider:DatasetRoles:Generation:0"] = "generation-reader",
        ["Provider:DatasetRoles:Generation:1"] = "admin",
    }));

    private static async Task<HttpResponseMessage> GetAsync(SampleHost host, string path, X509Certificate2 certificate, string clientId = App)
    {
        using HttpClient client = host.Client(certificate);
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", host.AuthorizationServer.IssueToken(certificate, "energy:read", clientId));
        return await client.SendAsync(request);
    }

    [Test]
    public async Task DatasetWithItsOwnRoles_ServesAHolderOfOne_AndRefusesTheDefaultRole()
    {
        await using SampleHost host = await StartIb1Async();

        using HttpResponseMessage generator = await GetAsync(host, "/generation", Generator);
        using HttpResponseMessage reader = await GetAsync(host, "/generation", Reader);

        Assert.That(generator.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(reader.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(reader.Headers.WwwAuthenticate.ToString(), Does.Contain("error=\"access_denied\"").And.Contain("generation-reader admin"));
        Assert.That(reader.Headers.GetValues("x-fapi-interaction-id").Single(), Is.Not.Empty);
    }

    [TestCase("/generation/")]
    [TestCase("/GENERATION")]
    [TestCase("/%67eneration")]
    public async Task DatasetRoles_HoldHoweverThePathIsSpelled(string path)
    {
        await using SampleHost host = await StartIb1Async();

        using HttpResponseMessage reader = await GetAsync(host, path, Reader);

        Assert.That(reader.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), path);
        Assert.That(reader.Headers.WwwAuthenticate.ToString(), Does.Contain("generation-reader"));
    }

    [Test]
    public async Task UnknownDataset_WithoutAToken_Is401_Not404()
    {
        await using SampleHost host = await StartIb1Async();
        using HttpClient client = host.Client(Reader);

        using HttpResponseMessage response = await client.GetAsync("/no-such-dataset");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task DatasetWithoutRolesOfItsOwn_FallsBackToAcceptedRoles()
    {
        await using SampleHost host = await StartIb1Async();

        using HttpResponseMessage reader = await GetAsync(host, "/example", Reader);
        using HttpResponseMessage generator = await GetAsync(host, "/example", Generator);

        Assert.That(reader.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(generator.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task Ib1Profile_ClientIdOtherThanTheCertificatesUri_Is401()
    {
        await using SampleHost host = await StartIb1Async();

        using HttpResponseMessage response = await GetAsync(host, "/example", Reader, "https://directory.example/apps/another");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(response.Headers.WwwAuthenticate.ToString(), Does.Contain("error=\"invalid_token\""));
    }

    [Test]
    public void InvalidDatasetRole_StopsStartUp_NamingTheKey()
    {
        var failure = Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(async () => await SampleHost.StartAsync(
            Intake.Forwarded,
            configure: b => b.Configuration["Provider:DatasetRoles:example:0"] = "has space"));

        Assert.That(failure!.Message, Does.Contain("Provider:DatasetRoles:example"));
    }

    [Test]
    [UnsupportedOSPlatform("windows")]
    public async Task DevMode_WithProfileIb1_ServesTheDevConsumersRoleCarryingCertificate()
    {
        await using SampleProviderApplication app = await SampleProviderApplication.CreateAsync(["--dev", "--profile", "ib1"], b => { b.Configuration["Provider:DevPort"] = "0"; b.Configuration["Provider:DevAuthorizationServerPort"] = "0"; });
        await app.StartAsync();
        DevMode.DevEnvironment dev = app.Dev!;
        X509Certificate2 consumer = X509Certificate2.CreateFromPemFile(dev.ClientCertificatePath, dev.ClientKeyPath);

        HttpClient Client(SslProtocols protocols)
        {
            var handler = new SocketsHttpHandler();
            handler.SslOptions.EnabledSslProtocols = protocols;
            handler.SslOptions.ClientCertificates = [consumer];
            handler.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => consumer;
            handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, _, _) => cert is not null && cert.GetCertHashString() == dev.ServerCertificate.GetCertHashString();
            return new HttpClient(handler) { BaseAddress = new Uri("https://localhost:" + new Uri(app.Addresses.First()).Port + "/") };
        }

        using HttpClient tls13 = Client(SslProtocols.Tls13);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/example");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", dev.Token);
        using HttpResponseMessage response = await tls13.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(dev.Token.Split('.'), Has.Length.EqualTo(3), "dev mode under IB1 mints JWT access tokens");
        Assert.That(dev.AuthorizationServer.IntrospectionCount, Is.Zero, "and the provider validates them locally");
        Assert.That(dev.AuthorizationServer.JwksCount, Is.EqualTo(1));
        Assert.That(dev.CurlCommands(new Uri("https://localhost/")).First().Command, Does.Contain("client_id=https://dev.openenergy.example/applications/dev-consumer"));
        Assert.That(consumer.Extensions[Certificates.DirectoryCertificate.RolesOid], Is.Not.Null);
    }
}
