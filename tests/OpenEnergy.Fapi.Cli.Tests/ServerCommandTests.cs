using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenEnergy.Fapi.SampleProvider.Tests.Support;
using OpenEnergy.Fapi.Testing;

namespace OpenEnergy.Fapi.Cli.Tests;

/// <summary><c>token</c>, <c>get</c> and <c>probe</c> as processes, against the fake authorization server and the real sample over mutual TLS.</summary>
internal sealed class ServerCommandTests
{
    private FakeAuthorizationServer _server = null!;
    private SampleHost _provider = null!;
    private string _folder = null!;
    private string[] _common = null!;
    private (string Certificate, string Key) _b;

    [OneTimeSetUp]
    public async Task Start()
    {
        _folder = Path.Combine(Path.GetTempPath(), "oe-fapi-cli-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
        _server = await FakeAuthorizationServer.StartAsync(new FakeAuthorizationServerOptions { Authority = SampleHost.Directory });
        _provider = await SampleHost.StartAsync(Intake.DirectTls, sharedAuthorizationServer: _server);
        (string certificate, string key) = TestCertificateAuthority.WritePemFiles(SampleHost.A, _folder, "consumer-a");
        _b = TestCertificateAuthority.WritePemFiles(SampleHost.B, _folder, "consumer-b");
        string ca = Path.Combine(_folder, "directory-ca.pem");
        await File.WriteAllTextAsync(ca, SampleHost.Directory.Certificate.ExportCertificatePem() + "\n");
        _common = ["--issuer", _server.BaseAddress.ToString(), "--client-id", "consumer-a", "--cert", certificate, "--key", key, "--ca", ca, "--scope", "energy:read"];
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _provider.DisposeAsync();
        await _server.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private Uri Dataset => new(_provider.BaseAddress, "example");

    [Test]
    public async Task Token_PrintsTheTokenResponse_WithoutTheTokenUnlessAsked()
    {
        OeFapi.Result hidden = await OeFapi.RunAsync(["token", .. _common]);
        OeFapi.Result shown = await OeFapi.RunAsync(["token", .. _common, "--show-token"]);

        Assert.That(hidden.ExitCode, Is.Zero, hidden.ToString());
        JsonElement response = JsonDocument.Parse(hidden.Stdout).RootElement;
        Assert.That(response.GetProperty("token_type").GetString(), Is.EqualTo("Bearer"));
        Assert.That(response.GetProperty("expires_in").GetInt64(), Is.EqualTo(3600));
        Assert.That(response.GetProperty("scope").GetString(), Is.EqualTo("energy:read"));
        Assert.That(response.TryGetProperty("access_token", out _), Is.False, "the token only with --show-token");
        Assert.That(_server.IssuedTokens, Does.Contain(JsonDocument.Parse(shown.Stdout).RootElement.GetProperty("access_token").GetString()));
    }

    [Test]
    public async Task Get_WritesTheBodyToStdout_ByteForByte()
    {
        OeFapi.Result result = await OeFapi.RunAsync(["get", Dataset.ToString(), .. _common]);

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        byte[] expected = await File.ReadAllBytesAsync(Path.Combine(_provider.DataDirectory, "example.csv"));
        Assert.That(result.StdoutBytes, Is.EqualTo(expected));
        Assert.That(result.Stderr, Does.Contain("x-fapi-interaction-id"));
    }

    [Test]
    public async Task Get_WithOutput_WritesTheFile()
    {
        string file = Path.Combine(_folder, "example-" + Guid.NewGuid().ToString("N") + ".csv");

        OeFapi.Result result = await OeFapi.RunAsync(["get", Dataset.ToString(), .. _common, "-o", file]);

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(await File.ReadAllBytesAsync(file), Is.EqualTo(await File.ReadAllBytesAsync(Path.Combine(_provider.DataDirectory, "example.csv"))));
        Assert.That(result.Stdout.Trim(), Is.EqualTo(file));
    }

    [Test]
    public async Task Get_Refused_PrintsStatusErrorDescriptionAndInteractionId_AndExits1()
    {
        string[] otherScope = [.. _common[..^1], "other:scope"];

        OeFapi.Result result = await OeFapi.RunAsync(["get", Dataset.ToString(), .. otherScope]);

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.Stderr, Does.Contain("403 insufficient_scope").And.Contain("x-fapi-interaction-id:"));
        Assert.That(result.Stdout, Is.Empty);
    }

    [Test]
    public async Task Get_WithOutputToAnExistingFile_IsAUsageError_AndLeavesItAlone()
    {
        string file = Path.Combine(_folder, "kept-" + Guid.NewGuid().ToString("N") + ".csv");
        await File.WriteAllTextAsync(file, "mine");

        OeFapi.Result result = await OeFapi.RunAsync(["get", Dataset.ToString(), .. _common, "-o", file]);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(await File.ReadAllTextAsync(file), Is.EqualTo("mine"));
    }

    [Test]
    public async Task Get_FromAProviderThatCannotBeReached_IsExit1_WithAMessage()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        OeFapi.Result result = await OeFapi.RunAsync(["get", $"https://localhost:{port}/example", .. _common]);

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.Stderr, Does.Contain("error:").And.Not.Contain("   at "));
    }

    [Test]
    public async Task Get_WithAMissingCertificateFile_IsAUsageError()
    {
        string[] arguments = [.. _common];
        arguments[Array.IndexOf(arguments, "--cert") + 1] = Path.Combine(_folder, "missing.pem");

        OeFapi.Result result = await OeFapi.RunAsync(["get", Dataset.ToString(), .. arguments]);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
    }

    [Test]
    public async Task Probe_OfTheSample_PassesEveryCheck()
    {
        OeFapi.Result result = await OeFapi.RunAsync(["probe", Dataset.ToString(), .. _common, "--cert-b", _b.Certificate, "--key-b", _b.Key, "--client-id-b", "consumer-b", "--json"]);

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        JsonElement[] rows = [.. JsonDocument.Parse(result.Stdout).RootElement.EnumerateArray()];
        // Only "TLS 1.1 is refused" may be N/A: on machines whose TLS library no longer offers TLS 1.1 at all.
        Assert.That(rows.Where(r => r.GetProperty("check").GetString() != "TLS 1.1 is refused").Select(r => r.GetProperty("result").GetString()), Is.All.EqualTo("PASS"), result.Stdout);
        Assert.That(rows.Single(r => r.GetProperty("check").GetString() == "TLS 1.1 is refused").GetProperty("result").GetString(), Is.AnyOf("PASS", "N/A"));
        Assert.That(rows.Select(r => r.GetProperty("rule").GetString()), Is.SupersetOf(new[] { "T-01", "T-04", "E-01", "E-03", "P-02", "P-04", "B-03", "H-01", "H-02", "H-04", "H-10" }));
    }

    [Test]
    public async Task Probe_WithoutASecondCertificate_MarksTheBindingCheckNotApplicable()
    {
        OeFapi.Result result = await OeFapi.RunAsync(["probe", Dataset.ToString(), .. _common]);

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stdout, Does.Contain("B-03").And.Contain("N/A").And.Contain("PASS"));
    }

    [Test]
    public async Task Probe_OfAProviderThatServesEveryone_ReportsTheFailures_AndExits1()
    {
        await using WebApplication careless = await StartCarelessProviderAsync();
        int port = new Uri(careless.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;

        OeFapi.Result result = await OeFapi.RunAsync(["probe", $"https://localhost:{port}/example", .. _common, "--json"]);

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Dictionary<string, string> outcome = JsonDocument.Parse(result.Stdout).RootElement.EnumerateArray()
            .GroupBy(r => r.GetProperty("check").GetString()!)
            .ToDictionary(g => g.Key, g => g.First().GetProperty("result").GetString()!);
        Assert.That(outcome["no client certificate is refused"], Is.EqualTo("FAIL"));
        Assert.That(outcome["no token: 401 with a strict Bearer challenge"], Is.EqualTo("FAIL"));
        Assert.That(outcome["a bad token: 401 invalid_token"], Is.EqualTo("FAIL"));
        Assert.That(outcome["a token only in the query is refused"], Is.EqualTo("FAIL"));
        Assert.That(outcome["two Authorization headers: 400"], Is.EqualTo("FAIL"));
        Assert.That(outcome["the interaction id is echoed"], Is.EqualTo("FAIL"));
        Assert.That(outcome["TLS 1.2 or later"], Is.EqualTo("PASS"));
    }

    // Serves 200 to anyone: a client certificate is optional and no token is looked at.
    private static async Task<WebApplication> StartCarelessProviderAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(https =>
        {
            https.ServerCertificate = SampleHost.Server;
            https.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
            https.AllowAnyClientCertificate();
        })));
        WebApplication app = builder.Build();
        app.Run(context => context.Response.WriteAsync("timestamp,value\n"));
        await app.StartAsync();
        return app;
    }
}
