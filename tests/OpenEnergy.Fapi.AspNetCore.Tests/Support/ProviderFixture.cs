using System.Security.Cryptography.X509Certificates;
using OpenEnergy.Fapi.Testing;

namespace OpenEnergy.Fapi.AspNetCore.Tests.Support;

/// <summary>A fake authorization server and a provider host shared by the tests of one fixture.</summary>
internal abstract class ProviderFixture
{
    private readonly List<ProviderHost> _owned = [];

    protected FakeAuthorizationServer Server { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task StartAuthorizationServer() => Server = await FakeAuthorizationServer.StartAsync();

    [OneTimeTearDown]
    public async Task StopAll()
    {
        foreach (ProviderHost host in _owned)
        {
            await host.DisposeAsync();
            AssertNoSecretsLogged(host);
        }

        await Server.DisposeAsync();
    }

    protected async Task<ProviderHost> StartHostAsync(CertificateIntake intake, Action<Configuration.FapiOptions>? configure = null, Action<FapiHttpOptions>? http = null, X509Certificate2? serverCertificate = null)
    {
        ProviderHost host = await ProviderHost.StartAsync(Server, intake, configure, http, serverCertificate);
        _owned.Add(host);
        return host;
    }

    // Every scenario of the fixture doubles as a secrets check on the library's own log entries (at Trace).
    private static void AssertNoSecretsLogged(ProviderHost host)
    {
        foreach (var record in host.Logs.GetSnapshot().Where(r => r.Category?.StartsWith("OpenEnergy.", StringComparison.Ordinal) == true))
        {
            string text = record.Message + " " + string.Join(" ", record.Scopes.Select(s => s?.ToString())) + " " + record.Exception;
            Assert.That(System.Text.RegularExpressions.Regex.IsMatch(text, "oe_[A-Za-z0-9_-]{43}"), Is.False, $"a token was logged: {record.Message}");
            Assert.That(text, Does.Not.Contain("BEGIN CERTIFICATE").And.Not.Contain("BEGIN%20CERTIFICATE").And.Not.Contain("PRIVATE KEY"), record.Message);
        }
    }

    protected string TokenFor(X509Certificate2 certificate, string scope = "s1 s2") => Server.IssueToken(certificate, scope, clientId: "client-" + certificate.GetNameInfo(X509NameType.SimpleName, false));
}
