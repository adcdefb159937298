using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using OpenEnergy.Fapi.Certificates;
using OpenEnergy.Fapi.Configuration;
using OpenEnergy.Fapi.Testing;
using OpenEnergy.Fapi.Tests.Support;
using OpenEnergy.Fapi.Validation;
using static OpenEnergy.Fapi.Tests.Support.Certificates;
using DirectoryCa = OpenEnergy.Fapi.Tests.Support.Certificates;

namespace OpenEnergy.Fapi.Tests.Certificates;

/// <summary>
/// The transport certificate, its key and the CA bundles are reloaded when their files change, without a restart:
/// new connections use the new material, and a replacement that does not load keeps the old one.
/// </summary>
public class CredentialRotationTests
{
    private string _folder = null!;
    private string _certificatePath = null!;
    private string _keyPath = null!;

    [SetUp]
    public void WriteProviderFiles()
    {
        _folder = Path.Combine(Path.GetTempPath(), "oe-fapi-rotation-" + Guid.NewGuid().ToString("N"));
        (_certificatePath, _keyPath) = TestCertificateAuthority.WritePemFiles(Provider, _folder, "provider");
    }

    [TearDown]
    public void DeleteFiles() => System.IO.Directory.Delete(_folder, recursive: true);

    [Test]
    public async Task ReplacedTransportCertificate_IsPresentedOnTheNextConnection_AfterThePeriodicCheck()
    {
        await using ValidatorHarness harness = await ValidatorHarness.StartAsync(configure: FromFiles);
        Assert.That(await PresentedToServerAsync(harness), Is.EqualTo(CertificateThumbprint.FromCertificate(Provider)));

        X509Certificate2 renewed = DirectoryCa.Directory.IssueClientCertificate("provider", "org-provider");
        Replace(renewed);
        harness.Time.Advance(new FapiOptions().CertificateReloadInterval);

        Assert.That(await PresentedToServerAsync(harness), Is.EqualTo(CertificateThumbprint.FromCertificate(renewed)));
        Assert.That(harness.Logs.GetSnapshot().Any(r => r.Level == LogLevel.Information && r.Message.Contains("Reloaded the transport certificate", StringComparison.Ordinal)
            && r.Message.Contains(CertificateThumbprint.FromCertificate(renewed).ToString(), StringComparison.Ordinal)), Is.True);
    }

    [Test]
    public async Task ReplacedTransportCertificate_IsNoticedByTheFileWatch_WithoutWaitingForThePeriodicCheck()
    {
        var server = await FakeAuthorizationServer.StartAsync();
        await using ValidatorHarness harness = ValidatorHarness.Create(server, TimeProvider.System, FromFiles, ownsServer: true);
        var credentials = harness.Services.GetRequiredService<ProviderCredentials>();
        var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        credentials.Changed += () => changed.TrySetResult();

        X509Certificate2 renewed = DirectoryCa.Directory.IssueClientCertificate("provider", "org-provider");
        Replace(renewed);
        await changed.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.That(await PresentedToServerAsync(harness), Is.EqualTo(CertificateThumbprint.FromCertificate(renewed)));
    }

    [Test]
    public async Task ReplacementThatDoesNotLoad_KeepsTheOldCertificate_AndLogsAnError_UntilAGoodOneArrives()
    {
        await using ValidatorHarness harness = await ValidatorHarness.StartAsync(configure: FromFiles);
        var credentials = harness.Services.GetRequiredService<ProviderCredentials>();
        X509Certificate2 renewed = DirectoryCa.Directory.IssueClientCertificate("provider", "org-provider");

        // The new certificate with the old key: the pair does not match.
        File.WriteAllText(_certificatePath, renewed.ExportCertificatePem());
        Assert.That(credentials.Reload(), Is.False);

        Assert.That(await PresentedToServerAsync(harness), Is.EqualTo(CertificateThumbprint.FromCertificate(Provider)), "the old certificate still serves");
        Assert.That(harness.Logs.GetSnapshot().Single(r => r.Level == LogLevel.Error).Message, Does.Contain("OpenEnergy:Fapi:CertificatePath/PrivateKeyPath"));
        Assert.That(credentials.Reload(), Is.False, "the same broken content is reported once");
        Assert.That(harness.Logs.GetSnapshot().Count(r => r.Level == LogLevel.Error), Is.EqualTo(1));

        Replace(renewed);
        Assert.That(credentials.Reload(), Is.True);
        Assert.That(await PresentedToServerAsync(harness), Is.EqualTo(CertificateThumbprint.FromCertificate(renewed)));
    }

    [Test]
    public async Task ReplacementThatDoesNotLoad_MakesTheCertificateCheckDegraded_UntilFixed()
    {
        await using ValidatorHarness harness = await ValidatorHarness.StartAsync(
            configure: FromFiles,
            configureServices: s => s.AddHealthChecks().AddOpenEnergyFapi());
        var credentials = harness.Services.GetRequiredService<ProviderCredentials>();
        var health = harness.Services.GetRequiredService<Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckService>();

        File.WriteAllText(_certificatePath, "not a certificate");
        credentials.Reload();
        var broken = await health.CheckHealthAsync(c => c.Name == OpenEnergy.Fapi.HealthChecks.FapiHealthCheckNames.Certificates);
        Assert.That(broken.Status, Is.EqualTo(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Degraded));
        Assert.That(broken.Entries.Values.Single().Description, Does.Contain("OpenEnergy:Fapi:CertificatePath/PrivateKeyPath changed but does not load"));

        Replace(DirectoryCa.Directory.IssueClientCertificate("provider", "org-provider"));
        credentials.Reload();
        var fixedAgain = await health.CheckHealthAsync(c => c.Name == OpenEnergy.Fapi.HealthChecks.FapiHealthCheckNames.Certificates);
        Assert.That(fixedAgain.Status, Is.EqualTo(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy));
    }

    [Test]
    public async Task UnreadableFile_IsReportedOnce_NotOnEveryCheck()
    {
        await using ValidatorHarness harness = await ValidatorHarness.StartAsync(configure: FromFiles);
        _ = harness.Services.GetRequiredService<ProviderCredentials>();
        File.Delete(_keyPath);

        for (int i = 0; i < 3; i++)
        {
            harness.Time.Advance(new FapiOptions().CertificateReloadInterval);
        }

        Assert.That(harness.Logs.GetSnapshot().Count(r => r.Level == LogLevel.Error), Is.EqualTo(1));
    }

    [Test]
    public async Task DeletedFiles_KeepTheOldCertificate()
    {
        await using ValidatorHarness harness = await ValidatorHarness.StartAsync(configure: FromFiles);
        Assert.That(await PresentedToServerAsync(harness), Is.EqualTo(CertificateThumbprint.FromCertificate(Provider)));
        File.Delete(_keyPath);
        harness.Time.Advance(new FapiOptions().CertificateReloadInterval);

        Assert.That(await PresentedToServerAsync(harness), Is.EqualTo(CertificateThumbprint.FromCertificate(Provider)));
        Assert.That(harness.Logs.GetSnapshot().Any(r => r.Level == LogLevel.Error), Is.True);
    }

    [Test]
    public async Task ReplacedAuthorizationServerBundle_IsTrustedByTheNextConnection()
    {
        string bundle = Path.Combine(_folder, "as-ca.pem");
        File.WriteAllText(bundle, TestCertificateAuthority.Create("Some Other CA").Certificate.ExportCertificatePem());
        await using ValidatorHarness harness = await ValidatorHarness.StartAsync(configure: o =>
        {
            o.AuthorizationServerCaCertificates.Clear();
            o.AuthorizationServerCaPath = bundle;
            o.AuthorizationServerTrust = AuthorizationServerTrust.BundleOnly;
        });
        string token = harness.Server.IssueToken(A, "energy:read");
        FapiVerdict refused = await harness.ValidateAsync("Bearer " + token, A, "energy:read");
        Assert.That(refused.Failure?.StatusCode, Is.EqualTo(503), "the server's CA is not in the bundle yet");

        File.WriteAllText(bundle + ".new", harness.Server.Authority.Certificate.ExportCertificatePem());
        File.Move(bundle + ".new", bundle, overwrite: true);
        harness.Time.Advance(new FapiOptions().CertificateReloadInterval);
        // Past the retry-after of the failed discovery.
        harness.Time.Advance(TimeSpan.FromSeconds(10));

        FapiVerdict accepted = await harness.ValidateAsync("Bearer " + token, A, "energy:read");
        Assert.That(accepted.Succeeded, Is.True, accepted.Failure?.ErrorDescription);
    }

    [Test]
    public async Task ReplacedClientCaBundle_DropsTheRememberedVerdictOfAConnectionsCertificate()
    {
        var otherDirectory = TestCertificateAuthority.Create("Next Directory CA");
        X509Certificate2 fromNext = otherDirectory.IssueClientCertificate("consumer-n", "org-n");
        string bundle = Path.Combine(_folder, "clients.pem");
        File.WriteAllText(bundle, DirectoryCa.Directory.Certificate.ExportCertificatePem());
        await using ValidatorHarness harness = await ValidatorHarness.StartAsync(configure: o => o.TrustedClientCaPath = bundle);
        var intake = harness.Services.GetRequiredService<ClientCertificateIntake>();

        Assert.That(Resolve(intake, fromNext).Source, Is.EqualTo(ClientCertificateSource.None));
        Assert.That(Resolve(intake, A).Source, Is.EqualTo(ClientCertificateSource.TlsConnection));

        File.WriteAllText(bundle, otherDirectory.Certificate.ExportCertificatePem());
        Assert.That(harness.Services.GetRequiredService<ProviderCredentials>().Reload(), Is.True);

        Assert.That(Resolve(intake, fromNext).Source, Is.EqualTo(ClientCertificateSource.TlsConnection), "the same connection's certificate, judged again");
        Assert.That(Resolve(intake, A).Source, Is.EqualTo(ClientCertificateSource.None), "the old directory CA is no longer trusted");
        Assert.That(harness.Logs.GetSnapshot().Any(r => r.Message.Contains("Reloaded OpenEnergy:Fapi:TrustedClientCaPath", StringComparison.Ordinal)), Is.True);
    }

    [Test]
    public async Task ClientCaVerdict_WithRevocationChecking_IsMadeAgainAfterTheHealthProbeInterval()
    {
        string bundle = Path.Combine(_folder, "clients.pem");
        File.WriteAllText(bundle, DirectoryCa.Directory.Certificate.ExportCertificatePem());
        await using ValidatorHarness harness = await ValidatorHarness.StartAsync(configure: o =>
        {
            o.TrustedClientCaPath = bundle;
            o.ClientCertificateRevocationMode = X509RevocationMode.Offline;
        });
        var intake = harness.Services.GetRequiredService<ClientCertificateIntake>();
        X509Certificate2 connection = DirectoryCa.Directory.IssueClientCertificate("consumer-r", "org-r");
        PresentedCertificate first = Resolve(intake, connection);
        int refusalsBefore = harness.Logs.GetSnapshot().Count(r => r.Message.Contains("does not chain", StringComparison.Ordinal));

        Resolve(intake, connection);
        Assert.That(harness.Logs.GetSnapshot().Count(r => r.Message.Contains("does not chain", StringComparison.Ordinal)), Is.EqualTo(refusalsBefore), "remembered within the interval");

        harness.Time.Advance(new FapiOptions().HealthProbeInterval + TimeSpan.FromSeconds(1));
        Resolve(intake, connection);
        // With no revocation list available offline the chain fails, so each fresh judgement logs a refusal.
        Assert.That(first.Source, Is.EqualTo(ClientCertificateSource.None));
        Assert.That(harness.Logs.GetSnapshot().Count(r => r.Message.Contains("does not chain", StringComparison.Ordinal)), Is.EqualTo(refusalsBefore + 1), "judged again");
    }

    [Test]
    public async Task CertificateGivenInCode_IsNotWatched()
    {
        await using ValidatorHarness harness = await ValidatorHarness.StartAsync();

        Assert.That(harness.Services.GetRequiredService<ProviderCredentials>().Reload(), Is.False);
        Assert.That(await PresentedToServerAsync(harness), Is.EqualTo(CertificateThumbprint.FromCertificate(Provider)));
    }

    private void FromFiles(FapiOptions o)
    {
        o.ClientCertificate = null;
        o.CertificatePath = _certificatePath;
        o.PrivateKeyPath = _keyPath;
    }

    // Written beside and moved into place, as certbot and configuration tools do, key first.
    private void Replace(X509Certificate2 certificate)
    {
        (string newCertificate, string newKey) = TestCertificateAuthority.WritePemFiles(certificate, _folder, "next");
        File.Move(newKey, _keyPath, overwrite: true);
        File.Move(newCertificate, _certificatePath, overwrite: true);
    }

    private static async Task<CertificateThumbprint?> PresentedToServerAsync(ValidatorHarness harness)
    {
        string token = harness.Server.IssueToken(A, "energy:read");
        FapiVerdict verdict = await harness.ValidateAsync("Bearer " + token, A, "energy:read");
        Assert.That(verdict.Succeeded, Is.True, verdict.Failure?.ErrorDescription);
        return harness.Server.Introspections.Last(i => i.Form.GetValueOrDefault("token") == token).ClientCertificate;
    }

    private static PresentedCertificate Resolve(ClientCertificateIntake intake, X509Certificate2 connection)
        => intake.Resolve(connection, StringValues.Empty, StringValues.Empty, IPAddress.Loopback, isUnixSocket: false);
}
