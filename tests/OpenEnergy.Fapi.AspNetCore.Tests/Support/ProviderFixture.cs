using System.Security.Cryptography.X509Certificates;
using OpenEnergy.Fapi.Testing;

namespace OpenEnergy.Fapi.AspNetCore.Tests.Support;

/// <summary>A fake authorization server and a provider host shared by the tests of one fixture.</summary>
internal abstract class ProviderFixture
{
    private readonly List<IAsyncDisposable> _owned = [];

    protected FakeAuthorizationServer Server { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task StartAuthorizationServer() => Server = await FakeAuthorizationServer.StartAsync();

    [OneTimeTearDown]
    public async Task StopAll()
    {
        foreach (IAsyncDisposable owned in _owned)
        {
            await owned.DisposeAsync();
        }

        await Server.DisposeAsync();
    }

    protected async Task<ProviderHost> StartHostAsync(CertificateIntake intake, Action<Configuration.FapiOptions>? configure = null, Action<FapiHttpOptions>? http = null)
    {
        ProviderHost host = await ProviderHost.StartAsync(Server, intake, configure, http);
        _owned.Add(host);
        return host;
    }

    protected string TokenFor(X509Certificate2 certificate, string scope = "s1 s2") => Server.IssueToken(certificate, scope, clientId: "client-" + certificate.GetNameInfo(X509NameType.SimpleName, false));
}
