using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using OpenEnergy.Fapi.AspNetCore.Tests.Support;
using OpenEnergy.Fapi.Configuration;
using OpenEnergy.Fapi.Testing;

namespace OpenEnergy.Fapi.AspNetCore.Tests;

/// <summary>What the adapter settles at start-up rather than at the first request.</summary>
internal sealed class StartUpTests
{
    private static WebApplication Build(FakeAuthorizationServer server, FakeLogCollector logs, Action<FapiOptions> configure, Action<AuthorizationOptions>? policies = null)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders().SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(logs));
        builder.Services.AddOpenEnergyFapi(o =>
        {
            o.UseAuthorizationServer(server);
            o.ClientCertificateHeader = "X-OE-CLIENT-CERT";
            configure(o);
        });
        // The authentication scheme alone: nothing else would build the validator before a request.
        builder.Services.AddAuthentication(FapiAuthenticationDefaults.AuthenticationScheme).AddOpenEnergyFapi();
        builder.Services.AddAuthorization(o => policies?.Invoke(o));
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        WebApplication app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/", () => "x").RequireAuthorization();
        return app;
    }

    [Test]
    public async Task Ib1ProfileWithoutAcceptedRoles_IsWarnedAboutAtStartUp_BeforeAnyRequest()
    {
        await using FakeAuthorizationServer server = await FakeAuthorizationServer.StartAsync();
        var logs = new FakeLogCollector();
        await using WebApplication app = Build(server, logs, o =>
        {
            o.Profile = FapiProfile.Ib1;
            o.Audience = FakeAuthorizationServer.DefaultJwtAudience;
        });

        await app.StartAsync();

        Assert.That(logs.GetSnapshot().Any(r => r.Level == LogLevel.Warning && r.Message.Contains("AcceptedRoles is empty", StringComparison.Ordinal)), Is.True);
        await app.StopAsync();
    }

    [Test]
    public async Task AppThatProtectsEndpoints_WithNoClientCertificateSource_IsWarnedAboutAtStartUp()
    {
        // The PACKAGE.md mistake of old: AddOpenEnergyFapi and RequireFapi, but neither a header nor Kestrel mutual TLS.
        await using FakeAuthorizationServer server = await FakeAuthorizationServer.StartAsync();
        var logs = new FakeLogCollector();
        await using WebApplication app = Build(server, logs, o => o.ClientCertificateHeader = null);

        await app.StartAsync();

        FakeLogRecord warning = logs.GetSnapshot().Single(r => r.Message.StartsWith("No client-certificate source", StringComparison.Ordinal));
        Assert.That(warning.Level, Is.EqualTo(LogLevel.Warning));
        Assert.That(logs.GetSnapshot().Single(r => r.Message.StartsWith("OpenEnergy FAPI validator:", StringComparison.Ordinal)).Message, Does.Contain("client certificates from NONE"));
        await app.StopAsync();
    }

    [Test]
    public async Task AppWithAForwardedCertificateHeader_IsNotWarnedAbout_AndTheSummaryNamesTheHeader()
    {
        await using FakeAuthorizationServer server = await FakeAuthorizationServer.StartAsync();
        var logs = new FakeLogCollector();
        await using WebApplication app = Build(server, logs, _ => { });

        await app.StartAsync();

        Assert.That(logs.GetSnapshot().Any(r => r.Message.StartsWith("No client-certificate source", StringComparison.Ordinal)), Is.False);
        Assert.That(logs.GetSnapshot().Single(r => r.Message.StartsWith("OpenEnergy FAPI validator:", StringComparison.Ordinal)).Message, Does.Contain("the X-OE-CLIENT-CERT header"));
        await app.StopAsync();
    }

    [Test]
    public async Task RolePolicyWithAnInvalidRole_StopsTheStart()
    {
        await using FakeAuthorizationServer server = await FakeAuthorizationServer.StartAsync();
        var logs = new FakeLogCollector();
        await using WebApplication app = Build(server, logs, _ => { }, o => o.AddFapiRolePolicy("bad", "has space"));

        Assert.That(async () => await app.StartAsync(), Throws.ArgumentException.With.Message.Contains("has space"));
    }
}
