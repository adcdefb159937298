using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using OpenEnergy.Fapi.Certificates;
using OpenEnergy.Fapi.Configuration;
using OpenEnergy.Fapi.SampleProvider.Tests.Support;
using OpenEnergy.Fapi.Testing;
using static OpenEnergy.Fapi.SampleProvider.Tests.Support.SampleHost;

namespace OpenEnergy.Fapi.SampleProvider.Tests;

/// <summary>
/// The running sample picks up replaced key material without a restart: the next connection to the authorization
/// server presents the new transport certificate; the next handshake trusts the new directory CA bundle.
/// </summary>
internal sealed class SampleRotationTests
{
    [Test]
    [CancelAfter(120_000)]
    public async Task ReplacedTransportCertificate_IsPresentedOnTheNextConnection(CancellationToken cancellationToken)
    {
        var reloaded = Signal("Reloaded the transport certificate", out Action<WebApplicationBuilder> hook);
        await using SampleHost host = await SampleHost.StartAsync(Intake.Forwarded, configure: hook);
        FapiOptions options = host.Services.GetRequiredService<IOptions<FapiOptions>>().Value;
        Assert.That(await PresentedAsync(host, cancellationToken), Is.Not.Null);

        X509Certificate2 renewed = SampleHost.Directory.IssueClientCertificate("provider", "org-provider", algorithm: TestKeyAlgorithm.Rsa2048);
        (string certificate, string key) = TestCertificateAuthority.WritePemFiles(renewed, host.Folder, "renewed");
        File.Move(key, options.PrivateKeyPath!, overwrite: true);
        File.Move(certificate, options.CertificatePath!, overwrite: true);
        await reloaded.WaitAsync(cancellationToken);

        Assert.That(await PresentedAsync(host, cancellationToken), Is.EqualTo(CertificateThumbprint.FromCertificate(renewed)));
    }

    [Test]
    [CancelAfter(120_000)]
    public async Task ReplacedDirectoryCaBundle_IsTrustedByTheNextHandshake(CancellationToken cancellationToken)
    {
        var reloaded = Signal("Reloaded OpenEnergy:Fapi:TrustedClientCaPath", out Action<WebApplicationBuilder> hook);
        await using SampleHost host = await SampleHost.StartAsync(Intake.DirectTls, configure: hook);
        using var nextDirectory = TestCertificateAuthority.Create("Next Directory CA");
        X509Certificate2 fromNext = nextDirectory.IssueClientCertificate("consumer-n", "org-n");
        using (HttpClient before = host.Client(fromNext))
        {
            Assert.That(async () => await before.GetAsync("/example", cancellationToken), Throws.InstanceOf<HttpRequestException>(), "not trusted yet");
        }

        // The directory publishes a second CA: the bundle now holds both (the provider's authorization server too).
        string bundle = host.Services.GetRequiredService<IOptions<FapiOptions>>().Value.TrustedClientCaPath!;
        await File.WriteAllTextAsync(bundle + ".new", SampleHost.Directory.Certificate.ExportCertificatePem() + "\n" + nextDirectory.Certificate.ExportCertificatePem() + "\n", cancellationToken);
        File.Move(bundle + ".new", bundle, overwrite: true);
        await reloaded.WaitAsync(cancellationToken);

        using HttpClient after = host.Client(fromNext);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/example");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", host.TokenFor(fromNext));
        using HttpResponseMessage response = await after.SendAsync(request, cancellationToken);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    // Completes when the app logs a line starting with the text (its own log, not a poll).
    private static Task Signal(string text, out Action<WebApplicationBuilder> hook)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var collector = FakeLogCollector.Create(new FakeLogCollectorOptions
        {
            OutputSink = line =>
            {
                if (line.Contains(text, StringComparison.Ordinal))
                {
                    seen.TrySetResult();
                }
            },
        });
        hook = b => b.Logging.AddProvider(new FakeLoggerProvider(collector));
        return seen.Task;
    }

    private static async Task<CertificateThumbprint?> PresentedAsync(SampleHost host, CancellationToken cancellationToken)
    {
        using HttpClient client = host.Client(A);
        string token = host.TokenFor(A);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/example");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using HttpResponseMessage response = await client.SendAsync(request, cancellationToken);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        return host.AuthorizationServer.Introspections.Last(i => i.Form.GetValueOrDefault("token") == token).ClientCertificate;
    }
}
