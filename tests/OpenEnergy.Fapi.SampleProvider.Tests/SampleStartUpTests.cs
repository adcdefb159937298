using System.Net;
using System.Net.Http.Headers;
using System.Runtime.Versioning;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using OpenEnergy.Fapi.SampleProvider.Tests.Support;
using static OpenEnergy.Fapi.SampleProvider.Tests.Support.SampleHost;

namespace OpenEnergy.Fapi.SampleProvider.Tests;

/// <summary>What the sample refuses to start with, and when dev mode (the embedded default) starts.</summary>
internal sealed class SampleStartUpTests
{
    [Test]
    public void WithoutARequiredScope_StartUpFails_NamingBothKeys()
    {
        var failure = Assert.ThrowsAsync<OptionsValidationException>(async () => await SampleHost.StartAsync(Intake.Forwarded, requiredScope: ""));

        Assert.That(failure!.Message, Does.Contain("Provider:RequiredScope").And.Contain("Provider:AllowAnyScope=true"));
    }

    [Test]
    public async Task AllowAnyScope_ServesAnActiveBoundTokenWithoutScopes()
    {
        await using SampleHost host = await SampleHost.StartAsync(Intake.Forwarded, requiredScope: "", b => b.Configuration["Provider:AllowAnyScope"] = "true");
        using HttpClient client = host.Client(A);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/example");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", host.TokenFor(A, scope: null));

        using HttpResponseMessage response = await client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public void DevelopmentEnvironmentAlone_DoesNotStartDevMode()
    {
        // Dev mode would configure its own issuer; without --dev the provider insists on a real one.
        var failure = Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using SampleProviderApplication app = await SampleProviderApplication.CreateAsync([], b =>
            {
                b.Environment.EnvironmentName = "Development";
                b.Configuration["Provider:RequiredScope"] = "energy:read";
                b.Configuration["Kestrel:Endpoints:Http:Url"] = "http://127.0.0.1:0";
            });
            await app.StartAsync();
        });

        Assert.That(failure!.Message, Does.Contain("OpenEnergy:Fapi:Issuer is required"));
    }

    [Test]
    [UnsupportedOSPlatform("windows")]
    public async Task DevMode_RequiresEnergyRead_AndKeepsItsKeysPrivate()
    {
        await using SampleProviderApplication app = await SampleProviderApplication.CreateAsync(["--dev"], b => { b.Configuration["Provider:DevPort"] = "0"; b.Configuration["Provider:DevAuthorizationServerPort"] = "0"; });
        await app.StartAsync();
        DevMode.DevEnvironment dev = app.Dev!;
        X509Certificate2 consumer = X509Certificate2.CreateFromPemFile(dev.ClientCertificatePath, dev.ClientKeyPath);
        var handler = new SocketsHttpHandler();
        handler.SslOptions.ClientCertificates = [consumer];
        handler.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => consumer;
        handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, _, _) => cert is not null && cert.GetCertHashString() == dev.ServerCertificate.GetCertHashString();
        using var client = new HttpClient(handler) { BaseAddress = new Uri("https://localhost:" + new Uri(app.Addresses.First()).Port + "/") };

        using HttpResponseMessage withScope = await client.SendAsync(Get(dev.Token));
        using HttpResponseMessage withoutScope = await client.SendAsync(Get(dev.AuthorizationServer.IssueToken(consumer, "other:scope", "dev-consumer")));

        Assert.That(withScope.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(withoutScope.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(withoutScope.Headers.WwwAuthenticate.ToString(), Does.Contain("scope=\"energy:read\""));
        foreach (string key in System.IO.Directory.GetFiles(dev.Folder, "*.key.pem"))
        {
            Assert.That(File.GetUnixFileMode(key), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite), key);
        }

        static HttpRequestMessage Get(string token)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, "/example");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return request;
        }
    }

    [Test]
    [CancelAfter(300_000)]
    public async Task PublishedSample_HasNoDevModeAndNoFakeAuthorizationServer(CancellationToken cancellationToken)
    {
        // Published from a copy, so that the publish-time restore never touches the build the tests run from.
        string copy = Path.Combine(Path.GetTempPath(), "oe-fapi-publish-" + Guid.NewGuid().ToString("N"));
        try
        {
            Repository.CopyTo(copy, "Directory.Build.props", "Directory.Packages.props", "nuget.config", ".editorconfig", "src", "docs", Path.Combine("samples", "OpenEnergy.Fapi.SampleProvider"));
            string output = Path.Combine(copy, "published");

            (int exit, string log) = await Repository.RunAsync("dotnet", ["publish", Path.Combine(copy, "samples", "OpenEnergy.Fapi.SampleProvider"), "-c", "Release", "-o", output], copy, TimeSpan.FromMinutes(4));
            Assert.That(exit, Is.Zero, log);
            Assert.That(File.Exists(Path.Combine(output, "OpenEnergy.Fapi.SampleProvider.dll")), Is.True);
            Assert.That(System.IO.Directory.GetFiles(output, "OpenEnergy.Fapi.Testing*"), Is.Empty);
            Assert.That(File.Exists(Path.Combine(output, "docs", "deploy.md")), Is.True, "the systemd unit's Documentation= points at the published guide");

            (int devExit, string devLog) = await Repository.RunAsync("dotnet", [Path.Combine(output, "OpenEnergy.Fapi.SampleProvider.dll"), "--dev"], output, TimeSpan.FromMinutes(1));
            Assert.That(devExit, Is.EqualTo(1), devLog);
            Assert.That(devLog, Does.Contain("no dev mode"));
        }
        finally
        {
            if (System.IO.Directory.Exists(copy))
            {
                System.IO.Directory.Delete(copy, recursive: true);
            }
        }
    }
}
