using System.Security.Cryptography.X509Certificates;
using OpenEnergy.Fapi.Testing;

namespace OpenEnergy.Fapi.SampleProvider.DevMode;

/// <summary>
/// The embedded default: a dev CA and its certificates (made once, kept in <c>.dev/</c> inside the sample's
/// folder), an in-process fake authorization server, and a token minted for the dev consumer.
/// </summary>
public sealed class DevEnvironment : IAsyncDisposable
{
    /// <summary>The directory role the dev consumer's IB1 certificate carries.</summary>
    public const string DevRole = "dev-energy-data-reader";

    private const string ConsumerClientId = "dev-consumer";

    // Under IB1 the client id is the application's URL, which is also the certificate's URI SAN.
    /// <summary>The <c>aud</c> of the dev authorization server's JWTs, and the provider's <c>OpenEnergy:Fapi:Audience</c> in dev mode.</summary>
    public const string Audience = "https://localhost/dev-provider";

    private const string Ib1ConsumerClientId = "https://dev.openenergy.example/applications/dev-consumer";

    private readonly TestCertificateAuthority _ca;
    private readonly string _clientName;
    private readonly string _clientId;

    private DevEnvironment(string folder, TestCertificateAuthority ca, FakeAuthorizationServer server, X509Certificate2 serverCertificate, X509Certificate2 providerCertificate, string token, bool ib1)
    {
        _clientName = ib1 ? "client-ib1" : "client";
        _clientId = ib1 ? Ib1ConsumerClientId : ConsumerClientId;
        Folder = folder;
        _ca = ca;
        AuthorizationServer = server;
        ServerCertificate = serverCertificate;
        ProviderCertificate = providerCertificate;
        Token = token;
    }

    /// <summary>Where the dev key material lives.</summary>
    public string Folder { get; }

    /// <summary>The in-process fake authorization server.</summary>
    public FakeAuthorizationServer AuthorizationServer { get; }

    /// <summary>The provider's HTTPS certificate (localhost).</summary>
    public X509Certificate2 ServerCertificate { get; }

    /// <summary>The provider's own transport certificate, presented to the authorization server.</summary>
    public X509Certificate2 ProviderCertificate { get; }

    /// <summary>A token for the dev consumer, valid for an hour.</summary>
    public string Token { get; }

    /// <summary>The dev CA bundle (trusted for client certificates, and by curl for the servers).</summary>
    public string CaPath => Path.Combine(Folder, "ca.crt.pem");

    /// <summary>The dev consumer's certificate.</summary>
    public string ClientCertificatePath => Path.Combine(Folder, _clientName + ".crt.pem");

    /// <summary>The dev consumer's private key.</summary>
    public string ClientKeyPath => Path.Combine(Folder, _clientName + ".key.pem");

    /// <summary>Creates (or reuses) the key material and starts the fake authorization server.</summary>
    /// <param name="scope">The scope of the minted token.</param>
    /// <param name="ib1">
    /// The IB1 profile: the consumer's certificate carries <see cref="DevRole"/> and its application URL, and the
    /// authorization server issues JWT access tokens (validated locally by the provider).
    /// </param>
    /// <param name="port">The fake authorization server's port (<c>Provider:DevAuthorizationServerPort</c>); 0 picks a free one.</param>
    public static async Task<DevEnvironment> StartAsync(string? scope, bool ib1 = false, int port = 0)
    {
        string folder = FindFolder();
        Directory.CreateDirectory(folder);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        TestCertificateAuthority ca = LoadOrCreateCa(folder);
        NarrowKeyFiles(folder);
        X509Certificate2 serverCertificate = LoadOrIssue(folder, "server", () => ca.IssueServerCertificate("localhost"));
        X509Certificate2 clientCertificate = ib1
            ? LoadOrIssue(folder, "client-ib1", () => ca.IssueIb1ClientCertificate(ConsumerClientId, [DevRole], Ib1ConsumerClientId, "dev-organisation"))
            : LoadOrIssue(folder, "client", () => ca.IssueClientCertificate(ConsumerClientId, "dev-organisation"));
        X509Certificate2 providerCertificate = LoadOrIssue(folder, "provider", () => ca.IssueClientCertificate("dev-provider", "dev-provider-organisation"));

        FakeAuthorizationServer server;
        try
        {
            server = await FakeAuthorizationServer.StartAsync(new FakeAuthorizationServerOptions
            {
                Authority = ca,
                ServerCertificate = serverCertificate,
                DefaultScope = scope ?? "",
                TokenLifetime = TimeSpan.FromHours(1),
                IssueJwtAccessTokens = ib1,
                JwtAudience = Audience,
                Port = port,
            });
        }
        catch (IOException ex)
        {
            // Most often another dev-mode provider already runs: point this one's Issuer at that server instead.
            throw new InvalidOperationException(
                $"dev mode cannot start its fake authorization server on port {port} ({ex.Message}). Stop whatever uses the port, " +
                "or set Provider:DevAuthorizationServerPort to another port (0 picks a free one, but printed curl lines then change on every start).", ex);
        }

        string? tokenScope = string.IsNullOrEmpty(scope) ? null : scope;
        string token = ib1
            ? server.IssueJwt(clientCertificate, tokenScope, Ib1ConsumerClientId, TimeSpan.FromHours(1))
            : server.IssueToken(clientCertificate, tokenScope, ConsumerClientId, TimeSpan.FromHours(1));
        return new DevEnvironment(folder, ca, server, serverCertificate, providerCertificate, token, ib1);
    }

    /// <summary>The lines a newcomer pastes into bash: fetch a token, fetch a CSV, see a refusal.</summary>
    /// <param name="providerBase">The provider's base address.</param>
    public IEnumerable<(string What, string Command)> CurlCommands(Uri providerBase)
    {
        string tls = $"--cacert {Quote(CaPath)} --cert {Quote(ClientCertificatePath)} --key {Quote(ClientKeyPath)}";
        Uri data = new(providerBase, "example");
        yield return ("Fetch a token for the dev consumer (client_credentials over mutual TLS):",
            $"curl -s {tls} -d grant_type=client_credentials -d client_id={_clientId} {AuthorizationServer.TokenEndpoint}");
        yield return ("Fetch a CSV with a token minted at start-up (valid for an hour):",
            $"curl -s {tls} -H 'Authorization: Bearer {Token}' {data}");
        yield return ("See a refusal (no token: 401 with a Bearer challenge):",
            $"curl -i {tls} {data}");
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await AuthorizationServer.DisposeAsync();
        ServerCertificate.Dispose();
        ProviderCertificate.Dispose();
        _ca.Dispose();
    }

    private static string Quote(string path) => "'" + path.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    // The sample's own folder when running from a build (found from the app's location, so that the
    // command works from any working directory); beside the app when published.
    private static string FindFolder()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OpenEnergy.Fapi.SampleProvider.csproj")))
            {
                return Path.Combine(dir.FullName, ".dev");
            }
        }

        return Path.Combine(AppContext.BaseDirectory, ".dev");
    }

    // Keys made by an older version may be world-readable: every private key is the owner's alone (0600).
    private static void NarrowKeyFiles(string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        foreach (string key in Directory.EnumerateFiles(folder, "*.key.pem"))
        {
            File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    private static TestCertificateAuthority LoadOrCreateCa(string folder)
    {
        string certificate = Path.Combine(folder, "ca.crt.pem");
        string key = Path.Combine(folder, "ca.key.pem");
        if (File.Exists(certificate) && File.Exists(key))
        {
            return TestCertificateAuthority.FromCertificate(X509Certificate2.CreateFromPemFile(certificate, key));
        }

        TestCertificateAuthority ca = TestCertificateAuthority.Create("OpenEnergy.Fapi Dev CA");
        TestCertificateAuthority.WritePemFiles(ca.Certificate, folder, "ca");
        return ca;
    }

    private static X509Certificate2 LoadOrIssue(string folder, string name, Func<X509Certificate2> issue)
    {
        string certificate = Path.Combine(folder, name + ".crt.pem");
        string key = Path.Combine(folder, name + ".key.pem");
        if (File.Exists(certificate) && File.Exists(key))
        {
            X509Certificate2 existing = X509Certificate2.CreateFromPemFile(certificate, key);
            if (existing.NotAfter > DateTime.Now.AddDays(1))
            {
                return existing;
            }
        }

        X509Certificate2 issued = issue();
        TestCertificateAuthority.WritePemFiles(issued, folder, name);
        return issued;
    }
}
