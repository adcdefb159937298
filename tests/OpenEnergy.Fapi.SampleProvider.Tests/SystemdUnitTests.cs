using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using OpenEnergy.Fapi.Testing;

namespace OpenEnergy.Fapi.SampleProvider.Tests;

/// <summary>
/// The kit's systemd units: accepted by <c>systemd-analyze verify</c>, and the app serving on a socket it
/// inherits through socket activation (<c>systemd-socket-activate</c>; systemd is not PID 1 here).
/// </summary>
[NonParallelizable]
internal sealed class SystemdUnitTests
{
    private static string Unit(string name) => Path.Combine(Repository.Root, "deploy", "systemd", name);

    [Test]
    public async Task Socket_IsReachableOnlyByNginxsOwnGroup_NeverWwwData()
    {
        string[] lines = (await File.ReadAllLinesAsync(Unit("openenergy-provider.socket"))).Where(l => !l.TrimStart().StartsWith('#')).ToArray();

        Assert.That(lines, Does.Contain("SocketGroup=nginx"));
        Assert.That(lines, Does.Contain("SocketMode=0660"));
        Assert.That(string.Join('\n', lines), Does.Not.Contain("www-data"));
    }

    [Test]
    public async Task ShippedEnvironmentFile_RequiresEnergyRead()
    {
        string[] lines = await File.ReadAllLinesAsync(Path.Combine(Repository.Root, "deploy", "systemd", "provider.env"));

        Assert.That(lines, Does.Contain("Provider__RequiredScope=energy:read"));
        Assert.That(lines.Any(l => l.StartsWith("Provider__AllowAnyScope", StringComparison.Ordinal)), Is.False);
    }

    [Test]
    public async Task Units_PassSystemdAnalyzeVerify()
    {
        if (!File.Exists("/usr/bin/systemd-analyze"))
        {
            Assert.Ignore("systemd-analyze is not installed");
        }

        string folder = Directory.CreateTempSubdirectory("oe-fapi-units-").FullName;
        try
        {
            // As installed, but with a binary, account and environment file that exist on this machine.
            string service = await RenderServiceAsync("openenergy-provider.service", folder);
            string socket = (await File.ReadAllTextAsync(Unit("openenergy-provider.socket")))
                .Replace("SocketUser=openenergy", "SocketUser=root", StringComparison.Ordinal)
                .Replace("SocketGroup=nginx", "SocketGroup=root", StringComparison.Ordinal);
            Assert.That(service, Does.Contain("ExecStart=/usr/bin/true"), "the unit changed: update the rendering");
            await File.WriteAllTextAsync(Path.Combine(folder, "openenergy-provider.service"), service);
            await File.WriteAllTextAsync(Path.Combine(folder, "openenergy-provider.socket"), socket);

            (int exit, string output) = await Repository.RunAsync("systemd-analyze", ["verify", "--man=no", "openenergy-provider.service", "openenergy-provider.socket"], folder, TimeSpan.FromSeconds(60));

            Assert.That(exit, Is.Zero, output);
            Assert.That(output, Does.Not.Contain("Unknown").And.Not.Contain("error"), output);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public async Task KestrelRouteUnit_PassesSystemdAnalyzeVerify()
    {
        if (!File.Exists("/usr/bin/systemd-analyze"))
        {
            Assert.Ignore("systemd-analyze is not installed");
        }

        string folder = Directory.CreateTempSubdirectory("oe-fapi-units-").FullName;
        try
        {
            string service = await RenderServiceAsync("openenergy-provider-kestrel.service", folder);
            Assert.That(service, Does.Contain("ExecStart=/usr/bin/true").And.Contain("Provider__HealthUrls__0=http://127.0.0.1:"), "the unit changed: update the rendering");
            await File.WriteAllTextAsync(Path.Combine(folder, "openenergy-provider-kestrel.service"), service);

            (int exit, string output) = await Repository.RunAsync("systemd-analyze", ["verify", "--man=no", "openenergy-provider-kestrel.service"], folder, TimeSpan.FromSeconds(60));

            Assert.That(exit, Is.Zero, output);
            Assert.That(output, Does.Not.Contain("Unknown").And.Not.Contain("error"), output);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public async Task BootstrapSite_PassesNginxTest_BeforeAnyCertificateExists()
    {
        string? nginx = new[] { "/usr/sbin/nginx", "/usr/bin/nginx" }.FirstOrDefault(File.Exists);
        if (nginx is null)
        {
            Assert.Ignore("nginx is not installed (.ci/run installs it)");
        }

        string folder = Directory.CreateTempSubdirectory("oe-fapi-bootstrap-").FullName;
        try
        {
            string site = (await File.ReadAllTextAsync(Path.Combine(Repository.Root, "deploy", "nginx", "openenergy-provider-bootstrap.conf")))
                .Replace("listen [::]:80;", "", StringComparison.Ordinal)
                .Replace("listen 80;", $"listen unix:{Path.Combine(folder, "http.sock")};", StringComparison.Ordinal)
                .Replace("/var/www/letsencrypt", Path.Combine(folder, "webroot"), StringComparison.Ordinal);
            Assert.That(site, Does.Not.Contain("ssl_certificate"), "the bootstrap site must not need a certificate");
            await File.WriteAllTextAsync(Path.Combine(folder, "site.conf"), site);
            await File.WriteAllTextAsync(Path.Combine(folder, "nginx.conf"), $$"""
                pid {{folder}}/nginx.pid;
                error_log {{folder}}/error.log warn;
                events { worker_connections 16; }
                http {
                    access_log {{folder}}/access.log;
                    client_body_temp_path {{folder}}/client_body;
                    proxy_temp_path {{folder}}/proxy;
                    fastcgi_temp_path {{folder}}/fastcgi;
                    uwsgi_temp_path {{folder}}/uwsgi;
                    scgi_temp_path {{folder}}/scgi;
                    include {{folder}}/site.conf;
                }
                """);

            (int exit, string output) = await Repository.BashAsync($"{nginx} -t -c {folder}/nginx.conf -p {folder}", folder, TimeSpan.FromSeconds(30));

            Assert.That(exit, Is.Zero, output);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    [CancelAfter(120_000)]
    public async Task SocketActivation_TheAppServesOnTheInheritedUnixSocket(CancellationToken cancellationToken)
    {
        if (!File.Exists("/usr/bin/systemd-socket-activate") || !File.Exists("/usr/bin/curl"))
        {
            Assert.Ignore("systemd-socket-activate or curl is not installed");
        }

        string folder = Directory.CreateTempSubdirectory("oe-fapi-activation-").FullName;
        using TestCertificateAuthority directory = TestCertificateAuthority.Create("Activation Test Directory");
        await using FakeAuthorizationServer server = await FakeAuthorizationServer.StartAsync(new FakeAuthorizationServerOptions { Authority = directory }, cancellationToken);
        X509Certificate2 consumer = directory.IssueClientCertificate("consumer");
        (string providerCertificate, string providerKey) = TestCertificateAuthority.WritePemFiles(directory.IssueClientCertificate("provider"), folder, "provider");
        string ca = Path.Combine(folder, "ca.pem");
        await File.WriteAllTextAsync(ca, directory.Certificate.ExportCertificatePem() + "\n", cancellationToken);
        string socket = Path.Combine(folder, "provider.sock");
        string app = Path.Combine(AppContext.BaseDirectory, "OpenEnergy.Fapi.SampleProvider.dll");
        string[] environment =
        [
            "OpenEnergy__Fapi__Issuer=" + server.BaseAddress,
            "OpenEnergy__Fapi__ClientId=activated-provider",
            "OpenEnergy__Fapi__CertificatePath=" + providerCertificate,
            "OpenEnergy__Fapi__PrivateKeyPath=" + providerKey,
            "OpenEnergy__Fapi__AuthorizationServerCaPath=" + ca,
            "OpenEnergy__Fapi__ClientCertificateHeader=X-OE-CLIENT-CERT",
            "Provider__RequiredScope=energy:read",
            "ASPNETCORE_ENVIRONMENT=Production",
            "HOME=" + folder,
            "PATH=" + Environment.GetEnvironmentVariable("PATH"),
        ];
        ProcessStartInfo start = Repository.StartInfo("systemd-socket-activate",
            ["-l", socket, .. environment.Select(e => "--setenv=" + e), "dotnet", app], folder);
        using Process activator = Process.Start(start)!;
        activator.BeginOutputReadLine();
        activator.BeginErrorReadLine();
        try
        {
            // The socket exists as soon as the activator listens; the app starts on the first connection.
            await FileSignal.WaitForAsync(socket, TimeSpan.FromSeconds(60), cancellationToken);

            string token = server.IssueToken(consumer, "energy:read", "consumer");
            string header = Uri.EscapeDataString(consumer.ExportCertificatePem() + "\n");
            (int exit, string output) = await Repository.BashAsync(
                $"curl -s -i --unix-socket '{socket}' -H 'Authorization: Bearer {token}' -H 'X-OE-CLIENT-CERT: {header}' http://localhost/example",
                folder, TimeSpan.FromSeconds(60));

            Assert.That(exit, Is.Zero, output);
            Assert.That(output, Does.StartWith("HTTP/1.1 200"));
            Assert.That(output, Does.Contain("timestamp,meter_id,consumption_kwh"));
        }
        finally
        {
            activator.Kill(entireProcessTree: true);
            await activator.WaitForExitAsync(CancellationToken.None);
            Directory.Delete(folder, recursive: true);
        }
    }

    // As installed, but with a binary, account and environment file that exist on this machine.
    private static async Task<string> RenderServiceAsync(string unit, string folder) => (await File.ReadAllTextAsync(Unit(unit)))
        .Replace("ExecStart=/opt/openenergy-provider/OpenEnergy.Fapi.SampleProvider", "ExecStart=/usr/bin/true", StringComparison.Ordinal)
        .Replace("WorkingDirectory=/opt/openenergy-provider", "WorkingDirectory=/tmp", StringComparison.Ordinal)
        .Replace("EnvironmentFile=/etc/openenergy/provider.env", "EnvironmentFile=-" + Path.Combine(folder, "provider.env"), StringComparison.Ordinal)
        .Replace("User=openenergy", "User=root", StringComparison.Ordinal)
        .Replace("Group=openenergy", "Group=root", StringComparison.Ordinal);
}
