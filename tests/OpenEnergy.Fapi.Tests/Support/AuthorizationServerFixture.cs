using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpenEnergy.Fapi.Configuration;
using OpenEnergy.Fapi.Testing;

namespace OpenEnergy.Fapi.Tests.Support;

/// <summary>
/// Base for fixtures that share one fake authorization server; every test gets its own validator (so its
/// own cache and clock) and its own tokens.
/// </summary>
internal abstract class AuthorizationServerFixture
{
    private readonly List<ValidatorHarness> _harnesses = [];

    protected FakeAuthorizationServer Server { get; private set; } = null!;

    protected FakeTimeProvider Time { get; private set; } = null!;

    protected virtual void ConfigureServer(FakeAuthorizationServerOptions options)
    {
    }

    [OneTimeSetUp]
    public async Task StartServer()
    {
        Time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = new FakeAuthorizationServerOptions { TimeProvider = Time };
        ConfigureServer(options);
        Server = await FakeAuthorizationServer.StartAsync(options);
    }

    [OneTimeTearDown]
    public async Task StopServer() => await Server.DisposeAsync();

    [SetUp]
    public void ResetServer()
    {
        Server.ResetCounters();
        Server.DiscoveryResponse = null;
        Server.UnknownTokenResponse = FakeIntrospectionResponse.Inactive();
    }

    [TearDown]
    public async Task DisposeHarnesses()
    {
        foreach (ValidatorHarness harness in _harnesses)
        {
            await harness.DisposeAsync();
            SecretScan.AssertClean(harness.Logs);
        }

        _harnesses.Clear();
    }

    protected ValidatorHarness NewValidator(Action<FapiOptions>? configure = null, bool collectLogs = true, Action<IServiceCollection>? configureServices = null)
    {
        var harness = ValidatorHarness.Create(Server, Time, configure, collectLogs: collectLogs, configureServices: configureServices);
        _harnesses.Add(harness);
        return harness;
    }
}
