using System.CommandLine;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenEnergy.Fapi.Client;
using OpenEnergy.Fapi.Client.Configuration;
using OpenEnergy.Fapi.Configuration;

namespace OpenEnergy.Fapi.Cli.Commands;

/// <summary>
/// The options of every command that talks to servers (<c>--issuer</c>, <c>--client-id</c>, <c>--cert</c>,
/// <c>--key</c>, <c>--key-password</c>, <c>--ca</c>, <c>--scope</c>), and the consumer client they make.
/// </summary>
internal sealed class ServerOptions
{
    public const string ClientName = "oe-fapi";

    public Option<string> Issuer { get; } = new("--issuer") { Description = "The authorization server's base URL (discovery at {issuer}/.well-known/openid-configuration).", Required = true };

    public Option<string> ClientId { get; } = new("--client-id") { Description = "Your client id (software statement id) at the directory.", Required = true };

    public Option<string> Certificate { get; } = new("--cert") { Description = "Your transport certificate (PEM).", Required = true };

    public Option<string> Key { get; } = new("--key") { Description = "Its private key (PEM; PKCS#8, PKCS#1 or SEC1).", Required = true };

    public Option<string?> KeyPassword { get; } = new("--key-password") { Description = "The key's password (or set OE_FAPI_KEY_PASSWORD, which keeps it out of ps)." };

    public Option<string?> Ca { get; } = new("--ca") { Description = "A PEM bundle trusted for the authorization server's and the provider's TLS certificates, on top of the system's." };

    public Option<string[]> Scope { get; } = new("--scope") { Description = "A scope to ask for (repeatable).", AllowMultipleArgumentsPerToken = false };

    public void AddTo(Command command)
    {
        command.Options.Add(Issuer);
        command.Options.Add(ClientId);
        command.Options.Add(Certificate);
        command.Options.Add(Key);
        command.Options.Add(KeyPassword);
        command.Options.Add(Ca);
        command.Options.Add(Scope);
    }

    /// <summary>A consumer client for these options; a wrong option or file is a usage error (exit 2).</summary>
    public ServiceProvider BuildClient(ParseResult parsed, CliConsole console) => BuildClient(parsed, console, parsed.GetRequiredValue(Certificate), parsed.GetRequiredValue(Key), parsed.GetRequiredValue(ClientId));

    public ServiceProvider BuildClient(ParseResult parsed, CliConsole console, string certificatePath, string keyPath, string clientId)
    {
        X509Certificate2 certificate;
        try
        {
            certificate = TransportCertificate.Load(certificatePath, keyPath, CommonOptions.Password(parsed.GetValue(KeyPassword)), "oe-fapi", "your");
        }
        catch (InvalidOperationException ex)
        {
            throw CliException.Usage(
                ex.Message.Replace("oe-fapi:CertificatePath/PrivateKeyPath", "--cert/--key", StringComparison.Ordinal)
                    .Replace("oe-fapi:CertificatePath", "--cert", StringComparison.Ordinal)
                    .Replace("oe-fapi:PrivateKeyPath", "--key", StringComparison.Ordinal)
                    .Replace("PrivateKeyPassword", "--key-password", StringComparison.Ordinal)
                + " A legacy 'Proc-Type: 4,ENCRYPTED' key? Convert it first: oe-fapi key convert.",
                ex);
        }

        // A missing or unreadable --cert or --key is a usage error through TransportCertificate's own message.
        X509Certificate2Collection trust = parsed.GetValue(Ca) is { } ca ? CliFiles.ReadBundle(ca, console) : [];

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddOpenEnergyFapiClient(ClientName, o =>
        {
            o.Issuer = parsed.GetRequiredValue(Issuer);
            o.ClientId = clientId;
            o.ClientCertificate = certificate;
            o.AuthorizationServerCaCertificates.AddRange(trust);
            o.ProviderCaCertificates.AddRange(trust);
            foreach (string scope in parsed.GetValue(Scope) ?? [])
            {
                o.Scopes.Add(scope);
            }
        });
        ServiceProvider provider = services.BuildServiceProvider();
        try
        {
            _ = provider.GetRequiredService<IOptionsMonitor<FapiClientOptions>>().Get(ClientName);
        }
        catch (OptionsValidationException ex)
        {
            provider.Dispose();
            string message = string.Join("; ", ex.Failures)
                .Replace("OpenEnergy:FapiClient:Issuer", "--issuer", StringComparison.Ordinal)
                .Replace("OpenEnergy:FapiClient:ClientId", "--client-id", StringComparison.Ordinal)
                .Replace("OpenEnergy:FapiClient:Scopes", "--scope", StringComparison.Ordinal)
                .Replace("OpenEnergy:FapiClient:", "", StringComparison.Ordinal);
            throw CliException.Usage(message, ex);
        }

        return provider;
    }

    public static HttpClient Client(ServiceProvider services) => services.GetRequiredService<IHttpClientFactory>().CreateClient(ClientName);
}
