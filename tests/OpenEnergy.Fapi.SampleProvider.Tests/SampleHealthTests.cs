using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using OpenEnergy.Fapi.SampleProvider.Health;
using OpenEnergy.Fapi.SampleProvider.Tests.Support;
using OpenEnergy.Fapi.Testing;
using OpenTelemetry.Trace;
using static OpenEnergy.Fapi.SampleProvider.Tests.Support.SampleHost;

namespace OpenEnergy.Fapi.SampleProvider.Tests;

/// <summary>The sample's health endpoints, its plain-HTTP health listeners, readiness under systemd, and telemetry export.</summary>
internal sealed class SampleHealthTests
{
    [Test]
    public async Task Live_AnswersWithoutATokenOrACertificate_WithTheFapiHeaders()
    {
        await using SampleHost host = await SampleHost.StartAsync(Intake.Forwarded);
        using HttpClient client = host.Client(null);

        using HttpResponseMessage response = await client.GetAsync("/health/live");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.StartWith("Healthy"));
        Assert.That(response.Headers.Contains("x-fapi-interaction-id"), Is.True);
        Assert.That(response.Headers.Date, Is.Not.Null);
    }

    [Test]
    public async Task Ready_IsHealthy_WhenTheAuthorizationServerAnswers()
    {
        await using SampleHost host = await SampleHost.StartAsync(Intake.Forwarded);
        using HttpClient client = host.Client(null);

        using HttpResponseMessage response = await client.GetAsync("/health/ready");
        string body = await response.Content.ReadAsStringAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body);
        Assert.That(body, Does.StartWith("Healthy\n").And.Contain("openenergy-fapi-authorization-server: Healthy"));
    }

    [Test]
    public async Task Ready_IsDegradedWith200_WhenTheAuthorizationServerIsDown()
    {
        FakeAuthorizationServer server = await FakeAuthorizationServer.StartAsync(new FakeAuthorizationServerOptions { Authority = SampleHost.Directory });
        await using SampleHost host = await SampleHost.StartAsync(Intake.Forwarded, sharedAuthorizationServer: server);
        await server.DisposeAsync();
        using HttpClient client = host.Client(null);

        using HttpResponseMessage response = await client.GetAsync("/health/ready");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        // Whether the start-up probe had fetched the metadata before the server went (then the introspection call
        // fails) or not (then discovery does), the check says the server is not answering.
        string body = await response.Content.ReadAsStringAsync();
        Assert.That(body, Does.StartWith("Degraded\n").And.Contain("openenergy-fapi-authorization-server: Degraded"));
        Assert.That(body, Does.Contain("cannot be reached").Or.Contain("gave no verdict"));
    }

    [Test]
    public async Task Ready_Is503_WhenTheAuthorizationServerRefusesOurCredentials()
    {
        await using FakeAuthorizationServer server = await FakeAuthorizationServer.StartAsync(new FakeAuthorizationServerOptions { Authority = SampleHost.Directory });
        server.UnknownTokenResponse = FakeIntrospectionResponse.Status(403);
        await using SampleHost host = await SampleHost.StartAsync(Intake.Forwarded, sharedAuthorizationServer: server);
        using HttpClient client = host.Client(null);

        using HttpResponseMessage response = await client.GetAsync("/health/ready");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.StartWith("Unhealthy\n").And.Contain("refused this provider's credentials"));
    }

    [Test]
    public async Task HealthUrls_ServeHealthOverPlainHttp_BesideMutualTls_AndNothingElse()
    {
        int port = FreePort();
        await using SampleHost host = await SampleHost.StartAsync(Intake.DirectTls, configure: b => b.Configuration["Provider:HealthUrls:0"] = $"http://127.0.0.1:{port}");
        using var plain = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };

        using HttpResponseMessage ready = await plain.GetAsync("/health/ready");
        using HttpResponseMessage live = await plain.GetAsync("/health/live");
        using var data = new HttpRequestMessage(HttpMethod.Get, "/example");
        data.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", host.TokenFor(A));
        using HttpResponseMessage dataOverHealth = await plain.SendAsync(data);
        using HttpResponseMessage publicOverHealth = await plain.GetAsync("/index.html");

        Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(live.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(dataOverHealth.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(publicOverHealth.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));

        // The mutual-TLS endpoint still serves data as before, and health there is validated like any path.
        using HttpClient tls = host.Client(A);
        using HttpResponseMessage healthOverTls = await tls.GetAsync("/health/ready");
        Assert.That(healthOverTls.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "with health listeners, health is served there only");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/example");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", host.TokenFor(A));
        using HttpResponseMessage served = await tls.SendAsync(request);
        Assert.That(served.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [TestCase("https://127.0.0.1:8081", "plain http://")]
    [TestCase("http://10.0.0.1:8081", "loopback")]
    [TestCase("http://0.0.0.0:8081", "loopback")]
    [TestCase("http://127.0.0.1:0", "fixed port")]
    [TestCase("http://127.0.0.1:8081/health", "plain http://")]
    public void HealthUrl_ThatIsNotPlainHttpOnLoopback_StopsStartUp(string url, string expected)
    {
        var failure = Assert.ThrowsAsync<InvalidOperationException>(async () => await SampleHost.StartAsync(Intake.Forwarded, configure: b => b.Configuration["Provider:HealthUrls:0"] = url));

        Assert.That(failure!.Message, Does.Contain("Provider:HealthUrls:0").And.Contain(expected));
    }

    [Test]
    public async Task Readiness_UnderSystemd_WaitsForTheFirstCheckRun_AndLogsIt()
    {
        await using SampleHost host = await SampleHost.StartAsync(Intake.Forwarded);
        var logs = new FakeLogCollector();
        ReadinessSignal signal = Readiness(host, logs, underSystemd: true);

        await signal.StartAsync(CancellationToken.None);

        Assert.That(logs.LatestRecord.Level, Is.EqualTo(LogLevel.Information));
        Assert.That(logs.LatestRecord.Message, Does.StartWith("Health checks ran once before signalling readiness: Healthy"));
    }

    [Test]
    public async Task Readiness_UnderSystemd_IsSignalledAfterTheTimeout_WhenTheChecksHang()
    {
        await using FakeAuthorizationServer server = await FakeAuthorizationServer.StartAsync(new FakeAuthorizationServerOptions { Authority = SampleHost.Directory });
        server.UnknownTokenResponse = FakeIntrospectionResponse.Hang();
        await using SampleHost host = await SampleHost.StartAsync(Intake.Forwarded, sharedAuthorizationServer: server, configure: b => b.Configuration["Provider:ReadinessTimeout"] = "00:00:00.2");
        var logs = new FakeLogCollector();
        ReadinessSignal signal = Readiness(host, logs, underSystemd: true);

        await signal.StartAsync(CancellationToken.None);

        Assert.That(logs.LatestRecord.Level, Is.EqualTo(LogLevel.Warning));
        Assert.That(logs.LatestRecord.Message, Does.Contain("Provider:ReadinessTimeout"));
    }

    [Test]
    public async Task Readiness_OutsideSystemd_DoesNotRunTheChecks()
    {
        await using SampleHost host = await SampleHost.StartAsync(Intake.Forwarded);
        int before = host.AuthorizationServer.IntrospectionCount;
        ReadinessSignal signal = Readiness(host, new FakeLogCollector(), underSystemd: false);

        await signal.StartAsync(CancellationToken.None);

        Assert.That(host.AuthorizationServer.IntrospectionCount, Is.EqualTo(before));
    }

    [Test]
    public async Task OtlpExport_IsRegisteredOnlyWhenItsEndpointIsSet()
    {
        await using SampleHost plain = await SampleHost.StartAsync(Intake.Forwarded);
        await using SampleHost exporting = await SampleHost.StartAsync(Intake.Forwarded, configure: b => b.Configuration[Telemetry.EndpointVariable] = "http://127.0.0.1:4317");

        Assert.That(plain.Services.GetService<TracerProvider>(), Is.Null);
        Assert.That(exporting.Services.GetService<TracerProvider>(), Is.Not.Null);
    }


    [Test]
    public async Task DevMode_WhenItsAuthorizationServerPortIsTaken_StopsNamingTheOption()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var failure = Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await using SampleProviderApplication app = await SampleProviderApplication.CreateAsync(["--dev"], b =>
            {
                b.Configuration["Provider:DevPort"] = "0";
                b.Configuration["Provider:DevAuthorizationServerPort"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            });
        });

        Assert.That(failure!.Message, Does.Contain("Provider:DevAuthorizationServerPort").And.Contain(port.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        await Task.CompletedTask;
    }

    [Test]
    public void DevAuthorizationServerPort_DefaultsTo5444()
        => Assert.That(new ProviderOptions().DevAuthorizationServerPort, Is.EqualTo(5444));

    private static ReadinessSignal Readiness(SampleHost host, FakeLogCollector logs, bool underSystemd) => new(
        host.Services.GetRequiredService<HealthCheckService>(),
        host.Services.GetRequiredService<IOptions<ProviderOptions>>(),
        new FakeLogger<ReadinessSignal>(logs),
        underSystemd);

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
