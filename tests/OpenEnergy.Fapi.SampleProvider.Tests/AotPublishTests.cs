using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using OpenEnergy.Fapi.Certificates;
using OpenEnergy.Fapi.Testing;
using OpenEnergy.Fapi.Tests.Shared;

namespace OpenEnergy.Fapi.SampleProvider.Tests;

/// <summary>
/// The sample published with Native AOT, as the README's command does it, runs: it starts, refuses a request without a
/// token with 401, and serves a bound token with 200, against a fake authorization server run here (a published
/// sample has no dev mode). The trim and AOT analyzers already fail the build on a warning; this proves the binary.
/// </summary>
[NonParallelizable]
internal sealed class AotPublishTests
{
    [Test]
    [CancelAfter(900_000)]
    public async Task NativeAotSample_Starts_Refuses401WithoutAToken_AndServesABoundToken(CancellationToken cancellationToken)
    {
        string copy = Path.Combine(Path.GetTempPath(), "oe-fapi-aot-" + Guid.NewGuid().ToString("N"));
        Process? provider = null;
        try
        {
            // Published from a copy, so that the publish-time restore never touches the build the tests run from.
            Repository.CopyTo(copy, "Directory.Build.props", "Directory.Packages.props", "nuget.config", ".editorconfig", "src", "docs", Path.Combine("samples", "OpenEnergy.Fapi.SampleProvider"));
            string output = Path.Combine(copy, "published");
            (int exit, string log) = await Repository.RunAsync(
                "dotnet",
                ["publish", Path.Combine(copy, "samples", "OpenEnergy.Fapi.SampleProvider"), "-c", "Release", "-r", "linux-x64", "-p:PublishAot=true", "-o", output],
                copy,
                TimeSpan.FromMinutes(12));
            Assert.That(exit, Is.Zero, log);
            Assert.That(log, Does.Not.Contain("warning IL"), "the AOT publish reports no trim or AOT warning");
            string binary = Path.Combine(output, "OpenEnergy.Fapi.SampleProvider");
            Assert.That(File.Exists(binary), Is.True);
            Assert.That(File.Exists(Path.Combine(output, "OpenEnergy.Fapi.SampleProvider.dll")), Is.False, "a native binary, not IL");

            using TestCertificateAuthority directory = TestCertificateAuthority.Create("AOT Test Directory");
            X509Certificate2 consumer = directory.IssueClientCertificate("aot-consumer", "org-aot");
            await using FakeAuthorizationServer server = await FakeAuthorizationServer.StartAsync(new FakeAuthorizationServerOptions { Authority = directory }, cancellationToken);
            X509Certificate2 transport = directory.IssueClientCertificate("aot-provider");
            (string providerCertificate, string providerKey) = TestCertificateAuthority.WritePemFiles(transport, copy, "provider");
            string bundle = Path.Combine(copy, "ca.pem");
            await File.WriteAllTextAsync(bundle, directory.Certificate.ExportCertificatePem() + "\n", cancellationToken);
            string socket = Path.Combine(copy, "provider.sock");

            var start = new ProcessStartInfo(binary, ["--urls", "http://unix:" + socket]) { WorkingDirectory = output, RedirectStandardOutput = true, RedirectStandardError = true };
            start.Environment["OpenEnergy__Fapi__Issuer"] = server.BaseAddress.ToString();
            start.Environment["OpenEnergy__Fapi__ClientId"] = "aot-provider";
            start.Environment["OpenEnergy__Fapi__CertificatePath"] = providerCertificate;
            start.Environment["OpenEnergy__Fapi__PrivateKeyPath"] = providerKey;
            start.Environment["OpenEnergy__Fapi__AuthorizationServerCaPath"] = bundle;
            start.Environment["OpenEnergy__Fapi__ClientCertificateHeader"] = "X-OE-CLIENT-CERT";
            start.Environment["Provider__RequiredScope"] = "energy:read";
            provider = Process.Start(start)!;
            provider.OutputDataReceived += (_, _) => { };
            provider.ErrorDataReceived += (_, _) => { };
            provider.BeginOutputReadLine();
            provider.BeginErrorReadLine();
            await FileSignal.WaitForAsync(socket, TimeSpan.FromSeconds(60), cancellationToken);

            using var client = new HttpClient(new SocketsHttpHandler
            {
                ConnectCallback = async (_, ct) =>
                {
                    var unix = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                    await unix.ConnectAsync(new UnixDomainSocketEndPoint(socket), ct);
                    return new NetworkStream(unix, ownsSocket: true);
                },
            })
            { BaseAddress = new Uri("http://localhost/") };
            client.DefaultRequestHeaders.Add("X-OE-CLIENT-CERT", Uri.EscapeDataString(consumer.ExportCertificatePem() + "\n"));

            using HttpResponseMessage refused = await client.GetAsync("/example", cancellationToken);
            using var request = new HttpRequestMessage(HttpMethod.Get, "/example");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", server.IssueToken(consumer, "energy:read"));
            using HttpResponseMessage served = await client.SendAsync(request, cancellationToken);

            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(refused.Headers.WwwAuthenticate.ToString(), Is.EqualTo("Bearer realm=\"open-energy\""));
            Assert.That(served.StatusCode, Is.EqualTo(HttpStatusCode.OK), await served.Content.ReadAsStringAsync(cancellationToken));
            Assert.That(served.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/csv"));
            Assert.That(server.Introspections.Single().ClientCertificate, Is.EqualTo(CertificateThumbprint.FromCertificate(transport)), "the native binary presented its transport certificate");
        }
        finally
        {
            if (provider is { HasExited: false })
            {
                provider.Kill(entireProcessTree: true);
                await provider.WaitForExitAsync(CancellationToken.None);
            }

            provider?.Dispose();
            if (System.IO.Directory.Exists(copy))
            {
                System.IO.Directory.Delete(copy, recursive: true);
            }
        }
    }
}
