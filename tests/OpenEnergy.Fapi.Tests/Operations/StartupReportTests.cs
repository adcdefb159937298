using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using OpenEnergy.Fapi.Certificates;
using OpenEnergy.Fapi.Configuration;
using OpenEnergy.Fapi.Diagnostics;
using OpenEnergy.Fapi.Testing;
using OpenEnergy.Fapi.Tests.Support;
using static OpenEnergy.Fapi.Tests.Support.Certificates;

namespace OpenEnergy.Fapi.Tests.Operations;

/// <summary>What the validator says as the host starts: one summary line, a warning per silent misconfiguration, a discovery probe.</summary>
public class StartupReportTests
{
    [Test]
    public async Task SummaryLine_NamesIssuerClientIdCertificateSourceCacheAndProfile()
    {
        await using ValidatorHarness harness = await StartAsync(o => o.ClientCertificateHeader = "X-OE-CLIENT-CERT");

        FakeLogRecord line = harness.Logs.GetSnapshot().Single(r => r.Message.StartsWith("OpenEnergy FAPI validator:", StringComparison.Ordinal));
        Assert.That(line.Level, Is.EqualTo(LogLevel.Information));
        Assert.That(line.Message, Does.Contain(harness.Server.BaseAddress.ToString())
            .And.Contain("client id provider-client")
            .And.Contain("profile OpenEnergy")
            .And.Contain(Provider.Subject)
            .And.Contain(CertificateThumbprint.FromCertificate(Provider).ToString())
            .And.Contain("the X-OE-CLIENT-CERT header from trusted proxies (loopback and UNIX-socket connections)")
            .And.Contain("this process only"));
        Assert.That(harness.Logs.GetSnapshot().Any(r => r.Message.StartsWith("No client-certificate source", StringComparison.Ordinal)), Is.False);
    }

    [Test]
    public async Task NoClientCertificateSource_IsAWarning_AndTheSummarySaysNone()
    {
        await using ValidatorHarness harness = await StartAsync();

        Assert.That(harness.Logs.GetSnapshot().Single(r => r.Message.StartsWith("OpenEnergy FAPI validator:", StringComparison.Ordinal)).Message, Does.Contain("client certificates from NONE"));
        FakeLogRecord warning = harness.Logs.GetSnapshot().Single(r => r.Message.StartsWith("No client-certificate source", StringComparison.Ordinal));
        Assert.That(warning.Level, Is.EqualTo(LogLevel.Warning));
        Assert.That(warning.Message, Does.Contain("ClientCertificateHeader").And.Contain("TrustedClientCaPath").And.Contain("401"));
    }

    [Test]
    public async Task TrustedProxies_AreNamedInTheSummary()
    {
        await using ValidatorHarness harness = await StartAsync(o =>
        {
            o.ClientCertificateHeader = "X-SSL-CERT";
            o.TrustedProxies.Add("10.1.2.0/24");
        });

        Assert.That(harness.Logs.GetSnapshot().Single(r => r.Message.StartsWith("OpenEnergy FAPI validator:", StringComparison.Ordinal)).Message, Does.Contain("(10.1.2.0/24)"));
    }

    [Test]
    public async Task CertificateExpiringWithinTheWarningPeriod_IsAWarning()
    {
        await using ValidatorHarness harness = await StartAsync(o =>
        {
            o.ClientCertificateHeader = "X-OE-CLIENT-CERT";
            o.HealthCertificateExpiryWarning = Provider.NotAfter.ToUniversalTime() - DateTime.UtcNow + TimeSpan.FromDays(1);
        });

        FakeLogRecord warning = harness.Logs.GetSnapshot().First(r => r.Message.StartsWith("Certificate check: the transport certificate", StringComparison.Ordinal));
        Assert.That(warning.Level, Is.EqualTo(LogLevel.Warning));
        Assert.That(warning.Message, Does.Contain(Provider.Subject).And.Contain("expires on"));
    }

    [Test]
    public async Task UnreachableAuthorizationServer_IsAWarningNamingTheUrl_AndStartUpStillSucceeds()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        FakeAuthorizationServer server = await FakeAuthorizationServer.StartAsync(new FakeAuthorizationServerOptions { TimeProvider = time });
        Uri discovery = new(server.BaseAddress, ".well-known/openid-configuration");
        // A copy of the server's CA: disposing the server disposes its own.
        var ca = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(server.Authority.Certificate.RawData);
        await using ValidatorHarness harness = ValidatorHarness.Create(server, time, o =>
        {
            o.ClientCertificateHeader = "X-OE-CLIENT-CERT";
            o.AuthorizationServerCaCertificates.Clear();
            o.AuthorizationServerCaCertificates.Add(ca);
        });
        await server.DisposeAsync();

        FapiStartupReport report = await StartReportAsync(harness);
        await report.Probe.WaitAsync(TimeSpan.FromSeconds(60));

        FakeLogRecord warning = harness.Logs.GetSnapshot().Single(r => r.Message.StartsWith("Discovery at", StringComparison.Ordinal));
        Assert.That(warning.Level, Is.EqualTo(LogLevel.Warning));
        Assert.That(warning.Message, Does.Contain(discovery.ToString()));
    }

    [Test]
    public async Task ReachableAuthorizationServer_IsProbedOnceAtStartUp()
    {
        await using ValidatorHarness harness = await StartAsync(o => o.ClientCertificateHeader = "X-OE-CLIENT-CERT");
        await harness.Services.GetServices<IHostedService>().OfType<FapiStartupReport>().Single().Probe;

        Assert.That(harness.Server.DiscoveryCount, Is.EqualTo(1));
        Assert.That(harness.Logs.GetSnapshot().Any(r => r.Level >= LogLevel.Warning), Is.False);
    }

    private static async Task<ValidatorHarness> StartAsync(Action<FapiOptions>? configure = null)
    {
        ValidatorHarness harness = await ValidatorHarness.StartAsync(configure: configure);
        _ = await StartReportAsync(harness);
        return harness;
    }

    private static async Task<FapiStartupReport> StartReportAsync(ValidatorHarness harness)
    {
        FapiStartupReport report = harness.Services.GetServices<IHostedService>().OfType<FapiStartupReport>().Single();
        await report.StartAsync(CancellationToken.None);
        return report;
    }
}
