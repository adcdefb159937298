using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Primitives;
using Microsoft.Extensions.Time.Testing;
using OpenEnergy.Fapi.Caching;
using OpenEnergy.Fapi.Certificates;
using OpenEnergy.Fapi.Configuration;
using OpenEnergy.Fapi.Testing;
using OpenEnergy.Fapi.Validation;

namespace OpenEnergy.Fapi.Tests.Support;

/// <summary>
/// A real validator, built through <c>AddOpenEnergyFapi</c>, talking over HTTPS with mutual TLS to a real
/// <see cref="FakeAuthorizationServer"/>, with a fake clock and a log collector.
/// </summary>
internal sealed class ValidatorHarness : IAsyncDisposable
{
    private readonly bool _ownsServer;

    private ValidatorHarness(FakeAuthorizationServer server, ServiceProvider services, TimeProvider time, FakeLogCollector logs, bool ownsServer)
    {
        Server = server;
        Services = services;
        Clock = time;
        Logs = logs;
        _ownsServer = ownsServer;
        Validator = services.GetRequiredService<IFapiValidator>();
    }

    public FakeAuthorizationServer Server { get; }

    public ServiceProvider Services { get; }

    /// <summary>The harness clock (a <see cref="FakeTimeProvider"/> unless the test chose the system's).</summary>
    public TimeProvider Clock { get; }

    public FakeTimeProvider Time => (FakeTimeProvider)Clock;

    public FakeLogCollector Logs { get; }

    public IFapiValidator Validator { get; }

    public IntrospectionCoordinator Coordinator => Services.GetRequiredService<IntrospectionCoordinator>();

    public IntrospectionCache Cache => (IntrospectionCache)Services.GetRequiredService<IIntrospectionCache>();

    /// <summary>A validator against a new fake server that shares the harness clock.</summary>
    public static async Task<ValidatorHarness> StartAsync(Action<FakeAuthorizationServerOptions>? configureServer = null, Action<FapiOptions>? configure = null, Action<IServiceCollection>? configureServices = null)
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var serverOptions = new FakeAuthorizationServerOptions { TimeProvider = time };
        configureServer?.Invoke(serverOptions);
        FakeAuthorizationServer server = await FakeAuthorizationServer.StartAsync(serverOptions);
        return Create(server, time, configure, ownsServer: true, configureServices: configureServices);
    }

    /// <summary>A validator against an existing server (whose clock must be <paramref name="time"/>).</summary>
    public static ValidatorHarness Create(FakeAuthorizationServer server, TimeProvider time, Action<FapiOptions>? configure = null, bool ownsServer = false, bool collectLogs = true, Action<IServiceCollection>? configureServices = null)
    {
        var logs = new FakeLogCollector();
        var services = new ServiceCollection();
        services.AddSingleton(time);
        services.AddMetrics();
        if (collectLogs)
        {
            services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(logs)));
        }

        services.AddOpenEnergyFapi(o =>
        {
            o.Issuer = server.BaseAddress.ToString();
            o.ClientId = "provider-client";
            o.ClientCertificate = Certificates.Provider;
            o.AuthorizationServerCaCertificates.Add(server.Authority.Certificate);
            // Retries without a delay: the fake clock only moves when a test moves it.
            o.IntrospectionRetryDelay = TimeSpan.Zero;
            configure?.Invoke(o);
        });
        configureServices?.Invoke(services);
        return new ValidatorHarness(server, services.BuildServiceProvider(), time, logs, ownsServer);
    }

    public ValueTask<FapiVerdict> ValidateAsync(string? authorization, X509Certificate2? certificate, params string[] scopes)
        => Validator.ValidateAsync(Request(authorization, certificate, scopes));

    public static FapiRequest Request(string? authorization, X509Certificate2? certificate, params string[] scopes) => new()
    {
        Authorization = authorization is null ? StringValues.Empty : new StringValues(authorization),
        ClientCertificate = certificate is null ? null : CertificateThumbprint.FromCertificate(certificate),
        RequiredScopes = scopes.Length == 0 ? null : scopes,
    };

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        if (_ownsServer)
        {
            await Server.DisposeAsync();
        }
    }
}
