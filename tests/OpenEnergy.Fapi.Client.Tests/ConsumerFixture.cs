using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using OpenEnergy.Fapi.Client.Configuration;
using OpenEnergy.Fapi.SampleProvider.Tests.Support;
using OpenEnergy.Fapi.Testing;

namespace OpenEnergy.Fapi.Client.Tests;

/// <summary>
/// A fake authorization server, the real sample provider on Kestrel with mutual TLS, and consumer clients built the
/// way an application builds them: configuration keys, PEM files, <c>AddOpenEnergyFapiClient</c>.
/// </summary>
internal abstract class ConsumerFixture
{
    protected const string ClientName = "energy";

    private readonly List<ServiceProvider> _clients = [];

    protected FakeAuthorizationServer Server { get; private set; } = null!;

    protected SampleHost Provider { get; private set; } = null!;

    protected string Folder { get; private set; } = null!;

    protected string CaBundlePath { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        Folder = Path.Combine(Path.GetTempPath(), "oe-fapi-client-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Folder);
        CaBundlePath = Path.Combine(Folder, "directory-ca.pem");
        await File.WriteAllTextAsync(CaBundlePath, SampleHost.Directory.Certificate.ExportCertificatePem() + "\n");
        Server = await FakeAuthorizationServer.StartAsync(new FakeAuthorizationServerOptions { Authority = SampleHost.Directory, TokenLifetime = TimeSpan.FromMinutes(5) });
        // Every call is introspected again (1 ms cache), so a revocation shows at once.
        Provider = await SampleHost.StartAsync(Intake.DirectTls, sharedAuthorizationServer: Server, configure: b => b.Configuration["OpenEnergy:Fapi:CacheDuration"] = "00:00:00.001");
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await Provider.DisposeAsync();
        await Server.DisposeAsync();
        System.IO.Directory.Delete(Folder, recursive: true);
    }

    [SetUp]
    public void ResetServer()
    {
        Server.ResetCounters();
        Server.DiscoveryResponse = null;
    }

    [TearDown]
    public async Task DisposeClients()
    {
        foreach (ServiceProvider client in _clients)
        {
            await client.DisposeAsync();
        }

        _clients.Clear();
    }

    /// <summary>The settings of a consumer presenting <paramref name="certificate"/> (written to PEM files).</summary>
    protected Dictionary<string, string?> Settings(X509Certificate2 certificate, string scope = "energy:read")
    {
        string name = certificate.GetNameInfo(X509NameType.SimpleName, false) + "-" + Guid.NewGuid().ToString("N")[..8];
        (string certificatePath, string keyPath) = TestCertificateAuthority.WritePemFiles(certificate, Folder, name);
        return new()
        {
            ["OpenEnergy:FapiClient:Issuer"] = Server.BaseAddress.ToString(),
            ["OpenEnergy:FapiClient:ClientId"] = "consumer-" + name,
            ["OpenEnergy:FapiClient:CertificatePath"] = certificatePath,
            ["OpenEnergy:FapiClient:PrivateKeyPath"] = keyPath,
            ["OpenEnergy:FapiClient:AuthorizationServerCaPath"] = CaBundlePath,
            ["OpenEnergy:FapiClient:ProviderCaPath"] = CaBundlePath,
            ["OpenEnergy:FapiClient:Scopes:0"] = scope,
        };
    }

    /// <summary>A client application's services, validated as a host would at start-up.</summary>
    protected ServiceProvider Build(Dictionary<string, string?> settings, TimeProvider? time = null, FakeLogCollector? logs = null)
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging(b =>
        {
            b.SetMinimumLevel(LogLevel.Trace);
            if (logs is not null)
            {
                b.AddProvider(new FakeLoggerProvider(logs));
            }
        });
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        services.AddOpenEnergyFapiClient(ClientName, configuration.GetSection(FapiClientOptions.SectionName));
        ServiceProvider provider = services.BuildServiceProvider();
        _clients.Add(provider);
        provider.GetRequiredService<IStartupValidator>().Validate();
        return provider;
    }

    protected static HttpClient ClientOf(ServiceProvider services) => services.GetRequiredService<IHttpClientFactory>().CreateClient(ClientName);

    protected Uri Dataset(string name = "example") => new(Provider.BaseAddress, name);
}
