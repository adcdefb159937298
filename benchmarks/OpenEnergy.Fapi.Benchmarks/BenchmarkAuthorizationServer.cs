using Microsoft.Extensions.DependencyInjection;
using OpenEnergy.Fapi.Configuration;
using OpenEnergy.Fapi.Testing;
using OpenEnergy.Fapi.Validation;

namespace OpenEnergy.Fapi.Benchmarks;

/// <summary>Shared set-up: a directory CA, a fake authorization server on loopback, and a validator wired to it.</summary>
internal sealed class BenchmarkAuthorizationServer : IAsyncDisposable
{
    private BenchmarkAuthorizationServer(TestCertificateAuthority ca, FakeAuthorizationServer server)
    {
        Ca = ca;
        Server = server;
        Services = new ServiceCollection().AddOpenEnergyFapi(Configure).BuildServiceProvider();
    }

    public TestCertificateAuthority Ca { get; }

    public FakeAuthorizationServer Server { get; }

    public ServiceProvider Services { get; }

    public IFapiValidator Validator => Services.GetRequiredService<IFapiValidator>();

    public static async Task<BenchmarkAuthorizationServer> StartAsync()
    {
        var ca = TestCertificateAuthority.Create("Benchmark Directory CA");
        FakeAuthorizationServer server = await FakeAuthorizationServer.StartAsync(new FakeAuthorizationServerOptions { RecordIntrospections = false });
        return new BenchmarkAuthorizationServer(ca, server);
    }

    /// <summary>The validator's settings for this server (also for hosts that build their own container).</summary>
    public void Configure(FapiOptions options)
    {
        options.Issuer = Server.BaseAddress.ToString();
        options.ClientId = "benchmark-provider";
        options.ClientCertificate ??= Ca.IssueClientCertificate("provider");
        options.AuthorizationServerCaCertificates.Add(Server.Authority.Certificate);
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        await Server.DisposeAsync();
        Ca.Dispose();
    }
}
