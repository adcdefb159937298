using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using OpenEnergy.Fapi.SampleProvider.Tests.Support;
using OpenEnergy.Fapi.Testing;

namespace OpenEnergy.Fapi.SampleProvider.Tests;

/// <summary>
/// The deployment kit against real nginx: the kit's site config rendered for loopback, the built provider on
/// a UNIX socket behind it, and curl as the consumer.
/// </summary>
[NonParallelizable]
internal sealed class NginxDeploymentTests
{
    private static readonly string[] NginxLocations = ["/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx"];

    private string _folder = null!;
    private int _healthPort;
    private TestCertificateAuthority _directory = null!;
    private TestCertificateAuthority _publicWebCa = null!;
    private FakeAuthorizationServer _authorizationServer = null!;
    private Process? _provider;
    private Process? _nginx;
    private string _httpsSocket = null!;
    private string _caBundleForCurl = null!;
    private (string Certificate, string Key) _a;
    private (string Certificate, string Key) _b;
    private (string Certificate, string Key) _foreign;
    private X509Certificate2 _certificateA = null!;
    private X509Certificate2 _certificateB = null!;

    [OneTimeSetUp]
    public async Task DeployBehindNginx()
    {
        string? nginx = NginxLocations.FirstOrDefault(File.Exists);
        if (nginx is null || !File.Exists("/usr/bin/curl"))
        {
            Assert.Ignore("nginx or curl is not installed: the real-nginx deployment test needs both (.ci/run installs them).");
        }

        _folder = Path.Combine(Path.GetTempPath(), "oe-fapi-nginx-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
        _directory = TestCertificateAuthority.Create("Nginx Test Directory CA");
        _publicWebCa = TestCertificateAuthority.Create("Some Public Web CA");

        // Key material: the server's certificate from a "public" CA, consumers' from the directory.
        (string serverCertificate, string serverKey) = TestCertificateAuthority.WritePemFiles(_publicWebCa.IssueServerCertificate("localhost"), _folder, "server");
        _certificateA = _directory.IssueClientCertificate("consumer-a", "org-a");
        _certificateB = _directory.IssueClientCertificate("consumer-b", "org-b");
        _a = TestCertificateAuthority.WritePemFiles(_certificateA, _folder, "a");
        _b = TestCertificateAuthority.WritePemFiles(_certificateB, _folder, "b");
        _foreign = TestCertificateAuthority.WritePemFiles(_publicWebCa.IssueClientCertificate("consumer-x"), _folder, "foreign");
        string directoryBundle = Path.Combine(_folder, "directory-ca.pem");
        await File.WriteAllTextAsync(directoryBundle, _directory.Certificate.ExportCertificatePem() + "\n");
        _caBundleForCurl = Path.Combine(_folder, "public-ca.pem");
        await File.WriteAllTextAsync(_caBundleForCurl, _publicWebCa.Certificate.ExportCertificatePem() + "\n");
        string publicFiles = Path.Combine(_folder, "public");
        Directory.CreateDirectory(publicFiles);
        await File.WriteAllTextAsync(Path.Combine(publicFiles, "index.html"), "<h1>public via nginx</h1>");

        _authorizationServer = await FakeAuthorizationServer.StartAsync(new FakeAuthorizationServerOptions { Authority = _directory });
        (string providerCertificate, string providerKey) = TestCertificateAuthority.WritePemFiles(_directory.IssueClientCertificate("provider"), _folder, "provider");
        string authorizationServerCa = Path.Combine(_folder, "as-ca.pem");
        await File.WriteAllTextAsync(authorizationServerCa, _directory.Certificate.ExportCertificatePem() + "\n");

        string socket = Path.Combine(_folder, "provider.sock");
        using (var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            _healthPort = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        }

        _provider = StartProvider(socket, new Dictionary<string, string>
        {
            // A plain-HTTP health listener beside the UNIX socket given with --urls.
            ["Provider__HealthUrls__0"] = $"http://127.0.0.1:{_healthPort}",
            ["OpenEnergy__Fapi__Issuer"] = _authorizationServer.BaseAddress.ToString(),
            ["OpenEnergy__Fapi__ClientId"] = "nginx-provider",
            ["OpenEnergy__Fapi__CertificatePath"] = providerCertificate,
            ["OpenEnergy__Fapi__PrivateKeyPath"] = providerKey,
            ["OpenEnergy__Fapi__AuthorizationServerCaPath"] = authorizationServerCa,
            ["OpenEnergy__Fapi__ClientCertificateHeader"] = "X-OE-CLIENT-CERT",
            ["OpenEnergy__Fapi__ClientCertificateVerifyHeader"] = "X-OE-CLIENT-VERIFY",
            ["Provider__UnixSocketMode"] = "666",
            ["Provider__RequiredScope"] = "energy:read",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
        });
        await WaitForLineAsync(_provider, "Provider ready", TimeSpan.FromSeconds(60));

        // nginx listens on UNIX sockets of its own: no port to race other processes for.
        _httpsSocket = Path.Combine(_folder, "https.sock");
        string[] kit = await File.ReadAllLinesAsync(Path.Combine(Repository.Root, "deploy", "nginx", "openenergy-provider.conf"));
        string site = string.Join('\n', kit.Where(line => !line.TrimStart().StartsWith('#')))
            .Replace("listen [::]:443 ssl http2;", "", StringComparison.Ordinal)
            .Replace("listen [::]:80;", "", StringComparison.Ordinal)
            .Replace("listen 443 ssl http2;", $"listen unix:{_httpsSocket} ssl http2;", StringComparison.Ordinal)
            .Replace("listen 80;", $"listen unix:{Path.Combine(_folder, "http.sock")};", StringComparison.Ordinal)
            .Replace("provider.example.org;", "localhost;", StringComparison.Ordinal)
            .Replace("/etc/letsencrypt/live/provider.example.org/fullchain.pem", serverCertificate, StringComparison.Ordinal)
            .Replace("/etc/letsencrypt/live/provider.example.org/privkey.pem", serverKey, StringComparison.Ordinal)
            .Replace("/etc/openenergy/directory-ca.pem", directoryBundle, StringComparison.Ordinal)
            .Replace("/srv/openenergy-provider/public", publicFiles, StringComparison.Ordinal)
            .Replace("/run/openenergy-provider/provider.sock", socket, StringComparison.Ordinal);
        Assert.That(site, Does.Not.Contain("example.org").And.Not.Contain("/etc/").And.Not.Contain("/run/"), "the kit's config changed: update the rendering");
        await File.WriteAllTextAsync(Path.Combine(_folder, "site.conf"), site);
        await File.WriteAllTextAsync(Path.Combine(_folder, "nginx.conf"), $$"""
            worker_processes 1;
            daemon off;
            pid {{_folder}}/nginx.pid;
            error_log {{_folder}}/error.log warn;
            events { worker_connections 64; }
            http {
                access_log {{_folder}}/access.log;
                client_body_temp_path {{_folder}}/client_body;
                proxy_temp_path {{_folder}}/proxy;
                fastcgi_temp_path {{_folder}}/fastcgi;
                uwsgi_temp_path {{_folder}}/uwsgi;
                scgi_temp_path {{_folder}}/scgi;
                include {{_folder}}/site.conf;
            }
            """);

        (int test, string testOutput) = await Repository.BashAsync($"{nginx} -t -c {_folder}/nginx.conf -p {_folder}", _folder, TimeSpan.FromSeconds(30));
        Assert.That(test, Is.Zero, "nginx -t refused the rendered kit config:\n" + testOutput);
        _nginx = Process.Start(new ProcessStartInfo(nginx, ["-c", $"{_folder}/nginx.conf", "-p", _folder]))!;
        await FileSignal.WaitForAsync(_httpsSocket, TimeSpan.FromSeconds(20));
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        foreach (Process? process in new[] { _nginx, _provider })
        {
            if (process is { HasExited: false })
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            process?.Dispose();
        }

        if (_authorizationServer is not null)
        {
            await _authorizationServer.DisposeAsync();
        }

        _directory?.Dispose();
        _publicWebCa?.Dispose();
        if (_folder is not null && Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private async Task<(int Exit, string Output)> CurlAsync((string Certificate, string Key)? client, string path, string? token, string? extraHeader = null)
    {
        string command = $"curl -s -i --http1.1 --cacert '{_caBundleForCurl}' "
            + (client is { } c ? $"--cert '{c.Certificate}' --key '{c.Key}' " : "")
            + (token is null ? "" : $"-H 'Authorization: Bearer {token}' ")
            + (extraHeader is null ? "" : $"-H '{extraHeader}' ")
            + $"--unix-socket '{_httpsSocket}' https://localhost{path}";
        return await Repository.BashAsync(command, _folder, TimeSpan.FromSeconds(30));
    }

    [Test]
    public async Task BoundCertificateAndToken_GetTheCsv_ThroughNginx()
    {
        string token = _authorizationServer.IssueToken(_certificateA, "energy:read", "consumer-a");

        (int exit, string output) = await CurlAsync(_a, "/example", token);

        Assert.That(exit, Is.Zero, output);
        Assert.That(output, Does.StartWith("HTTP/1.1 200"));
        Assert.That(output, Does.Contain("text/csv; charset=utf-8"));
        Assert.That(output, Does.Contain("timestamp,meter_id,consumption_kwh"));
        Assert.That(output, Does.Match("(?im)^x-fapi-interaction-id: [0-9a-f-]{36}\\r?$"));
    }

    [Test]
    public async Task AnotherDirectoryCertificate_WithTheSameToken_Is401()
    {
        string token = _authorizationServer.IssueToken(_certificateA, "energy:read", "consumer-a");

        (_, string output) = await CurlAsync(_b, "/example", token);

        Assert.That(output, Does.StartWith("HTTP/1.1 401"));
        Assert.That(output, Does.Contain("error=\"invalid_token\""));
    }

    [Test]
    public async Task NoCertificate_IsRefusedByNginx()
    {
        string token = _authorizationServer.IssueToken(_certificateA, "energy:read", "consumer-a");

        (_, string output) = await CurlAsync(null, "/example", token);

        Assert.That(output, Does.StartWith("HTTP/1.1 400"));
        Assert.That(output, Does.Contain("No required SSL certificate was sent"));
        Assert.That(output, Does.Not.Contain("timestamp,meter_id"));
    }

    [Test]
    public async Task CertificateFromAPublicCa_IsRefusedByNginx()
    {
        (_, string output) = await CurlAsync(_foreign, "/example", "anything");

        Assert.That(output, Does.StartWith("HTTP/1.1 400"));
        Assert.That(output, Does.Not.Contain("timestamp,meter_id"));
    }

    [Test]
    public async Task ForgedCertificateHeaderFromTheClient_IsOverwrittenByNginx()
    {
        string token = _authorizationServer.IssueToken(_certificateA, "energy:read", "consumer-a");
        string forged = "X-OE-CLIENT-CERT: " + Uri.EscapeDataString(_certificateA.ExportCertificatePem() + "\n");

        (_, string output) = await CurlAsync(_b, "/example", token, forged);

        Assert.That(output, Does.StartWith("HTTP/1.1 401"));
    }

    [Test]
    public async Task PublicFile_IsServedByNginx_WithoutAToken_WithAnInteractionId()
    {
        (_, string output) = await CurlAsync(_a, "/index.html", null);

        Assert.That(output, Does.StartWith("HTTP/1.1 200"));
        Assert.That(output, Does.Contain("<h1>public via nginx</h1>"));
        Assert.That(output, Does.Match("(?im)^x-fapi-interaction-id: [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\r?$"));
    }

    [TestCase("/health/ready")]
    [TestCase("/HEALTH/ready")]
    [TestCase("/%48ealth/ready")]
    [TestCase("/Health/live")]
    public async Task Health_IsNotServedToOtherMachines_ThroughNginx(string path)
    {
        // nginx allows /health/ to loopback TCP callers only; this listener is a UNIX socket, like any remote peer.
        (_, string output) = await CurlAsync(_a, path, null);

        Assert.That(output, Does.StartWith("HTTP/1.1 403"));
        Assert.That(output, Does.Not.Contain("Healthy"));
    }

    [Test]
    public async Task HealthUrl_BesideTheUnixSocket_AnswersReadyOverPlainHttp()
    {
        (int exit, string output) = await Repository.BashAsync($"curl -s -i http://127.0.0.1:{_healthPort}/health/ready", _folder, TimeSpan.FromSeconds(30));

        Assert.That(exit, Is.Zero, output);
        Assert.That(output, Does.StartWith("HTTP/1.1 200"));
        Assert.That(output, Does.Contain("Healthy"));
    }

    private static Process StartProvider(string socket, Dictionary<string, string> environment)
    {
        string app = Path.Combine(AppContext.BaseDirectory, "OpenEnergy.Fapi.SampleProvider.dll");
        var start = new ProcessStartInfo("dotnet", [app, "--urls", "http://unix:" + socket])
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach ((string key, string value) in environment)
        {
            start.Environment[key] = value;
        }

        return Process.Start(start)!;
    }

    private static async Task WaitForLineAsync(Process process, string marker, TimeSpan timeout)
    {
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var seen = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) =>
        {
            lock (seen)
            {
                seen.AppendLine(e.Data);
            }

            if (e.Data is null)
            {
                ready.TrySetException(new InvalidOperationException("the provider exited:\n" + seen));
            }
            else if (e.Data.Contains(marker, StringComparison.Ordinal))
            {
                ready.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            lock (seen)
            {
                seen.AppendLine(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await ready.Task.WaitAsync(timeout);
    }
}
