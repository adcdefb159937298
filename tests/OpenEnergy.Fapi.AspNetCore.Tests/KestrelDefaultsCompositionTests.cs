using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenEnergy.Fapi.AspNetCore.Tests.Support;
using OpenEnergy.Fapi.Testing;
using static OpenEnergy.Fapi.AspNetCore.Tests.Support.TestDirectory;

namespace OpenEnergy.Fapi.AspNetCore.Tests;

/// <summary>
/// <c>UseOpenEnergyFapiMutualTls</c> against an application that sets its own <c>ConfigureHttpsDefaults</c> later:
/// the FAPI settings are composed with it, not lost, and whatever it loosens, a certificate outside the
/// directory's CAs is never believed.
/// </summary>
internal sealed class KestrelDefaultsCompositionTests
{
    private FakeAuthorizationServer _server = null!;

    [OneTimeSetUp]
    public async Task Start() => _server = await FakeAuthorizationServer.StartAsync();

    [OneTimeTearDown]
    public async Task Stop() => await _server.DisposeAsync();

    [TestCase(false, TestName = "ApplicationsOwnHttpsDefaults_SetAfterTheFapiOnes_KeepTheClientCertificateRequirement")]
    [TestCase(true, TestName = "ApplicationsOwnHttpsDefaults_SetBeforeTheFapiOnes_AreKept")]
    public async Task ApplicationsOwnHttpsDefaults_AreComposedWithTheFapiOnes(bool applicationFirst)
    {
        await using WebApplication app = await StartAsync(https => https.ServerCertificate = Server, applicationFirst);
        using HttpClient client = Client(app, A);

        using HttpResponseMessage response = await client.SendAsync(Get(_server.IssueToken(A, "s1")));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task ApplicationThatAcceptsAnyCertificate_StillGets401_ForACertificateFromAnotherCa()
    {
        await using WebApplication app = await StartAsync(https =>
        {
            https.ServerCertificate = Server;
            https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
            https.ClientCertificateValidation = (_, _, _) => true;
        });
        using HttpClient client = Client(app, Foreign);

        using HttpResponseMessage response = await client.SendAsync(Get(_server.IssueToken(Foreign, "s1")));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(response.Headers.WwwAuthenticate.ToString(), Does.Contain("error=\"invalid_token\""));
    }

    private async Task<WebApplication> StartAsync(Action<HttpsConnectionAdapterOptions> applicationsHttpsDefaults, bool applicationFirst = false)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddOpenEnergyFapi(o =>
        {
            o.UseAuthorizationServer(_server);
            o.TrustedClientCaPath = CaBundlePath;
        });
        // Kestrel keeps only the last ConfigureHttpsDefaults delegate: either order must keep both.
        if (applicationFirst)
        {
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureHttpsDefaults(applicationsHttpsDefaults));
            builder.WebHost.UseOpenEnergyFapiMutualTls();
        }
        else
        {
            builder.WebHost.UseOpenEnergyFapiMutualTls();
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureHttpsDefaults(applicationsHttpsDefaults));
        }

        builder.WebHost.UseKestrelHttpsConfiguration().UseUrls("https://127.0.0.1:0");
        WebApplication app = builder.Build();
        app.MapGet("/data", () => "data").RequireFapi("s1");
        await app.StartAsync();
        return app;
    }

    private static HttpClient Client(WebApplication app, X509Certificate2 certificate)
    {
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, _, _) => cert is not null && cert.GetCertHashString() == Server.GetCertHashString();
        handler.SslOptions.ClientCertificates = [certificate];
        handler.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => certificate;
        return new HttpClient(handler) { BaseAddress = new Uri($"https://localhost:{address.Port}/") };
    }

    private static HttpRequestMessage Get(string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/data");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }
}
