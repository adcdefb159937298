using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;
using OpenEnergy.Fapi.Configuration;
using OpenEnergy.Fapi.HealthChecks;
using OpenEnergy.Fapi.Testing;
using OpenEnergy.Fapi.Tests.Support;
using static OpenEnergy.Fapi.Tests.Support.Certificates;

namespace OpenEnergy.Fapi.Tests.Operations;

/// <summary>
/// <c>AddHealthChecks().AddOpenEnergyFapi()</c> against a real fake authorization server: up, down and refusing our
/// credentials; certificate expiry on a fake clock; the key set when signatures are checked.
/// </summary>
public class HealthCheckTests
{
    [Test]
    public async Task AuthorizationServerThatAnswers_IsHealthy()
    {
        await using ValidatorHarness harness = await StartAsync();

        HealthReportEntry entry = await CheckAsync(harness, FapiHealthCheckNames.AuthorizationServer);

        Assert.That(entry.Status, Is.EqualTo(HealthStatus.Healthy), entry.Description);
        Assert.That(harness.Server.IntrospectionCount, Is.EqualTo(1), "a real introspection over mutual TLS");
        Assert.That(harness.Server.Introspections.Single().ClientCertificate, Is.Not.Null);
    }

    [Test]
    public async Task AuthorizationServerThatCannotBeReached_IsDegraded_NotUnhealthy()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        FakeAuthorizationServer server = await FakeAuthorizationServer.StartAsync(new FakeAuthorizationServerOptions { TimeProvider = time });
        await using ValidatorHarness harness = ValidatorHarness.Create(server, time, configureServices: s => s.AddHealthChecks().AddOpenEnergyFapi());
        await server.DisposeAsync();

        HealthReportEntry entry = await CheckAsync(harness, FapiHealthCheckNames.AuthorizationServer);

        Assert.That(entry.Status, Is.EqualTo(HealthStatus.Degraded), entry.Description);
        Assert.That(entry.Description, Does.Contain("cannot be reached"));
    }

    [Test]
    public async Task AuthorizationServerThatRefusesOurCredentials_IsUnhealthy()
    {
        await using ValidatorHarness harness = await StartAsync();
        harness.Server.UnknownTokenResponse = FakeIntrospectionResponse.Status(401);

        HealthReportEntry entry = await CheckAsync(harness, FapiHealthCheckNames.AuthorizationServer);

        Assert.That(entry.Status, Is.EqualTo(HealthStatus.Unhealthy), entry.Description);
        Assert.That(entry.Description, Does.Contain("refused this provider's credentials").And.Contain("ClientId"));
    }

    [Test]
    public async Task AuthorizationServerProbe_IsReusedForTheHealthProbeInterval()
    {
        await using ValidatorHarness harness = await StartAsync();

        for (int i = 0; i < 5; i++)
        {
            _ = await CheckAsync(harness, FapiHealthCheckNames.AuthorizationServer);
        }

        Assert.That(harness.Server.IntrospectionCount, Is.EqualTo(1), "probes never hammer the server");
        harness.Time.Advance(new FapiOptions().HealthProbeInterval);
        _ = await CheckAsync(harness, FapiHealthCheckNames.AuthorizationServer);
        Assert.That(harness.Server.IntrospectionCount, Is.EqualTo(2));
    }

    [Test]
    public async Task Certificates_AreHealthy_ThenDegradedWithinTheWarningPeriod_ThenUnhealthyOnceExpired()
    {
        await using ValidatorHarness harness = await StartAsync();
        DateTimeOffset expiry = new[] { Provider.NotAfter, harness.Server.Authority.Certificate.NotAfter }.Min();

        Assert.That((await CheckAsync(harness, FapiHealthCheckNames.Certificates)).Status, Is.EqualTo(HealthStatus.Healthy));

        harness.Time.SetUtcNow(expiry.ToUniversalTime() - TimeSpan.FromDays(10));
        HealthReportEntry soon = await CheckAsync(harness, FapiHealthCheckNames.Certificates);
        Assert.That(soon.Status, Is.EqualTo(HealthStatus.Degraded));
        Assert.That(soon.Description, Does.Contain("expires on"));

        harness.Time.SetUtcNow(expiry.ToUniversalTime() + TimeSpan.FromDays(1));
        HealthReportEntry expired = await CheckAsync(harness, FapiHealthCheckNames.Certificates);
        Assert.That(expired.Status, Is.EqualTo(HealthStatus.Unhealthy));
        Assert.That(expired.Description, Does.Contain("expired on"));
    }

    [Test]
    public async Task TransportCertificateNotYetValid_IsUnhealthy()
    {
        var time = new FakeTimeProvider(Provider.NotBefore.ToUniversalTime() - TimeSpan.FromDays(1));
        await using FakeAuthorizationServer server = await FakeAuthorizationServer.StartAsync();
        await using ValidatorHarness harness = ValidatorHarness.Create(server, time, configureServices: s => s.AddHealthChecks().AddOpenEnergyFapi());

        HealthReportEntry entry = await CheckAsync(harness, FapiHealthCheckNames.Certificates);

        Assert.That(entry.Status, Is.EqualTo(HealthStatus.Unhealthy));
        Assert.That(entry.Description, Does.Contain("transport certificate").And.Contain("not valid before"));
    }

    [Test]
    public async Task HealthCertificateExpiryWarning_SetsTheWarningPeriod()
    {
        await using ValidatorHarness harness = await StartAsync(o => o.HealthCertificateExpiryWarning = TimeSpan.FromDays(100_000));

        Assert.That((await CheckAsync(harness, FapiHealthCheckNames.Certificates)).Status, Is.EqualTo(HealthStatus.Degraded));
    }

    [Test]
    public async Task SharedCacheAndKeySet_WhenNotUsed_AreHealthy()
    {
        await using ValidatorHarness harness = await StartAsync();

        Assert.That((await CheckAsync(harness, FapiHealthCheckNames.SharedCache)).Description, Does.Contain("no shared cache"));
        Assert.That((await CheckAsync(harness, FapiHealthCheckNames.SigningKeys)).Status, Is.EqualTo(HealthStatus.Healthy));
    }

    [Test]
    public async Task KeySet_WhenJwtsAreChecked_IsHealthyOnceFetched_AndDegradedWhenItCannotBe()
    {
        await using ValidatorHarness harness = await StartAsync(o =>
        {
            o.AccessTokenFormat = AccessTokenFormat.Jwt;
            o.Audience = FakeAuthorizationServer.DefaultJwtAudience;
        });

        HealthReportEntry fetched = await CheckAsync(harness, FapiHealthCheckNames.SigningKeys);
        Assert.That(fetched.Status, Is.EqualTo(HealthStatus.Healthy), fetched.Description);
        Assert.That(fetched.Description, Does.Contain("2 signing keys"));

        await using ValidatorHarness broken = await StartAsync(o =>
        {
            o.AccessTokenFormat = AccessTokenFormat.Jwt;
            o.Audience = FakeAuthorizationServer.DefaultJwtAudience;
        });
        broken.Server.JwksResponse = FakeIntrospectionResponse.Status(500);
        HealthReportEntry failed = await CheckAsync(broken, FapiHealthCheckNames.SigningKeys);
        Assert.That(failed.Status, Is.EqualTo(HealthStatus.Degraded), failed.Description);
        Assert.That((await CheckAsync(broken, FapiHealthCheckNames.AuthorizationServer)).Description, Does.Contain("not probed"), "no introspection under Jwt");
    }

    [Test]
    public async Task EveryCheck_CarriesTheTag_AndTheCallersTags()
    {
        await using ValidatorHarness harness = await StartAsync(configureHealth: b => b.AddOpenEnergyFapi("ready"));
        HealthReport report = await harness.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        Assert.That(report.Entries.Keys, Is.EquivalentTo(new[] { FapiHealthCheckNames.AuthorizationServer, FapiHealthCheckNames.Certificates, FapiHealthCheckNames.SharedCache, FapiHealthCheckNames.SigningKeys }));
        Assert.That(report.Entries.Values.All(e => e.Tags.Contains(FapiHealthCheckNames.Tag) && e.Tags.Contains("ready")), Is.True);
    }

    internal static async Task<ValidatorHarness> StartAsync(Action<FapiOptions>? configure = null, Action<IHealthChecksBuilder>? configureHealth = null)
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        FakeAuthorizationServer server = await FakeAuthorizationServer.StartAsync(new FakeAuthorizationServerOptions { TimeProvider = time });
        return ValidatorHarness.Create(server, time, configure, ownsServer: true, configureServices: s =>
        {
            IHealthChecksBuilder health = s.AddHealthChecks();
            if (configureHealth is null)
            {
                health.AddOpenEnergyFapi();
            }
            else
            {
                configureHealth(health);
            }
        });
    }

    internal static async Task<HealthReportEntry> CheckAsync(ValidatorHarness harness, string name)
    {
        HealthReport report = await harness.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(c => c.Name == name);
        return report.Entries[name];
    }
}
