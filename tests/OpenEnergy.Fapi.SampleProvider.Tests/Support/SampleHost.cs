using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using OpenEnergy.Fapi.Testing;

namespace OpenEnergy.Fapi.SampleProvider.Tests.Support;

/// <summary>How the sample receives client certificates in a test.</summary>
internal enum Intake
{
    /// <summary>Kestrel terminates mutual TLS, configured purely through <c>Kestrel:Endpoints</c>.</summary>
    DirectTls,

    /// <summary>Plain HTTP on loopback, certificate forwarded in <c>X-OE-CLIENT-CERT</c>.</summary>
    Forwarded,
}

/// <summary>
/// The real sample app (as operators run it, configured only through configuration keys and PEM files)
/// against a fake authorization server, with its own copy of the datasets.
/// </summary>
internal sealed class SampleHost : IAsyncDisposable
{
    public static readonly TestCertificateAuthority Directory = TestCertificateAuthority.Create("Sample Test Directory CA");
    public static readonly X509Certificate2 A = Directory.IssueClientCertificate("consumer-a", "org-a");
    public static readonly X509Certificate2 B = Directory.IssueClientCertificate("consumer-b", "org-b");
    public static readonly X509Certificate2 Server = Directory.IssueServerCertificate("localhost");

    private readonly SampleProviderApplication _app;

    private SampleHost(SampleProviderApplication app, FakeAuthorizationServer authorizationServer, string folder, Uri baseAddress, Intake intake)
    {
        _app = app;
        AuthorizationServer = authorizationServer;
        Folder = folder;
        BaseAddress = baseAddress;
        Intake = intake;
    }

    private bool _ownsAuthorizationServer = true;

    public FakeAuthorizationServer AuthorizationServer { get; }

    public string Folder { get; }

    public string DataDirectory => Path.Combine(Folder, "data");

    public Uri BaseAddress { get; }

    public Intake Intake { get; }

    /// <summary>Starts the sample with a fake authorization server of its own, or <paramref name="sharedAuthorizationServer"/> (a fleet's, not disposed with the host).</summary>
    public static async Task<SampleHost> StartAsync(Intake intake, string requiredScope = "energy:read", Action<WebApplicationBuilder>? configure = null, FakeAuthorizationServer? sharedAuthorizationServer = null)
    {
        string folder = Path.Combine(Path.GetTempPath(), "oe-fapi-sample-" + Guid.NewGuid().ToString("N"));
        string data = Path.Combine(folder, "data");
        string publicFiles = Path.Combine(folder, "public");
        System.IO.Directory.CreateDirectory(data);
        System.IO.Directory.CreateDirectory(publicFiles);
        foreach (string csv in System.IO.Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "shared_data")))
        {
            File.Copy(csv, Path.Combine(data, Path.GetFileName(csv)));
        }

        File.WriteAllText(Path.Combine(publicFiles, "index.html"), "<h1>public</h1>");
        File.WriteAllText(Path.Combine(folder, "secret.csv"), "outside,the,data,folder\n");

        FakeAuthorizationServer authorizationServer = sharedAuthorizationServer ?? await FakeAuthorizationServer.StartAsync(new FakeAuthorizationServerOptions { Authority = Directory });
        (string providerCertificate, string providerKey) = TestCertificateAuthority.WritePemFiles(Directory.IssueClientCertificate("provider", "org-provider", algorithm: TestKeyAlgorithm.Rsa2048), folder, "provider");
        (string serverCertificate, string serverKey) = TestCertificateAuthority.WritePemFiles(Server, folder, "server");
        string caBundle = Path.Combine(folder, "directory-ca.pem");
        File.WriteAllText(caBundle, Directory.Certificate.ExportCertificatePem() + "\n");

        var settings = new Dictionary<string, string?>
        {
            ["OpenEnergy:Fapi:Issuer"] = authorizationServer.BaseAddress.ToString(),
            ["OpenEnergy:Fapi:ClientId"] = "sample-provider",
            ["OpenEnergy:Fapi:CertificatePath"] = providerCertificate,
            ["OpenEnergy:Fapi:PrivateKeyPath"] = providerKey,
            ["OpenEnergy:Fapi:AuthorizationServerCaPath"] = caBundle,
            ["Provider:DataDirectory"] = data,
            ["Provider:PublicDirectory"] = publicFiles,
            ["Provider:RequiredScope"] = requiredScope,
            ["Provider:InMemoryLimitBytes"] = "4096",
        };
        if (intake == Intake.DirectTls)
        {
            settings["OpenEnergy:Fapi:TrustedClientCaPath"] = caBundle;
            settings["Kestrel:Endpoints:Https:Url"] = "https://127.0.0.1:0";
            settings["Kestrel:Endpoints:Https:ClientCertificateMode"] = "RequireCertificate";
            settings["Kestrel:Endpoints:Https:Certificate:Path"] = serverCertificate;
            settings["Kestrel:Endpoints:Https:Certificate:KeyPath"] = serverKey;
        }
        else
        {
            settings["OpenEnergy:Fapi:ClientCertificateHeader"] = "X-OE-CLIENT-CERT";
            settings["Kestrel:Endpoints:Http:Url"] = "http://127.0.0.1:0";
        }

        SampleProviderApplication app = await SampleProviderApplication.CreateAsync([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings);
            configure?.Invoke(builder);
        });
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            if (sharedAuthorizationServer is null)
            {
                await authorizationServer.DisposeAsync();
            }

            System.IO.Directory.Delete(folder, recursive: true);
            throw;
        }

        var bound = new Uri(app.Addresses.First());
        var baseAddress = new Uri($"{(intake == Intake.DirectTls ? "https" : "http")}://localhost:{bound.Port}/");
        return new SampleHost(app, authorizationServer, folder, baseAddress, intake) { _ownsAuthorizationServer = sharedAuthorizationServer is null };
    }

    public string TokenFor(X509Certificate2 certificate, string? scope = "energy:read") => AuthorizationServer.IssueToken(certificate, scope, "client-" + certificate.GetNameInfo(X509NameType.SimpleName, false));

    /// <summary>A client that presents <paramref name="certificate"/> as this deployment expects.</summary>
    public HttpClient Client(X509Certificate2? certificate)
    {
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, _, _) => cert is not null && cert.GetCertHashString() == Server.GetCertHashString();
        if (Intake == Intake.DirectTls && certificate is not null)
        {
            handler.SslOptions.ClientCertificates = [certificate];
            handler.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => certificate;
        }

        var client = new HttpClient(handler) { BaseAddress = BaseAddress };
        if (Intake == Intake.Forwarded && certificate is not null)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation("X-OE-CLIENT-CERT", Uri.EscapeDataString(certificate.ExportCertificatePem() + "\n"));
        }

        return client;
    }

    /// <summary>Sends a request line exactly as written (no client-side path normalisation); forwarded mode only.</summary>
    public async Task<string> SendRawAsync(string target, X509Certificate2 certificate, string token)
    {
        string request = $"GET {target} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {token}\r\n"
            + $"X-OE-CLIENT-CERT: {Uri.EscapeDataString(certificate.ExportCertificatePem() + "\n")}\r\nConnection: close\r\n\r\n";
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, BaseAddress.Port);
        await using NetworkStream stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }

    /// <summary>The running application's services (its meters, for instance).</summary>
    public IServiceProvider Services => _app.App.Services;

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        if (_ownsAuthorizationServer)
        {
            await AuthorizationServer.DisposeAsync();
        }

        System.IO.Directory.Delete(Folder, recursive: true);
    }
}
