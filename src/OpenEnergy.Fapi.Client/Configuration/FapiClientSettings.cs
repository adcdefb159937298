
namespace OpenEnergy.Fapi.Client.Configuration;

/// <summary>
/// The settings of <see cref="FapiClientOptions"/> that configuration binds. <see cref="FapiClientOptions"/> adds
/// what only code can give (certificate objects), which binding therefore never touches.
/// Use <see cref="FapiClientOptions"/>: this type exists so that binding sees only the bindable settings.
/// </summary>
public class FapiClientSettings
{
    /// <summary>
    /// The authorization server's base URL: <c>{Issuer}/.well-known/openid-configuration</c> names its token endpoint
    /// (the <c>mtls_endpoint_aliases</c> one first). Required; <c>https</c>.
    /// </summary>
    public string? Issuer { get; set; }

    /// <summary>The consumer's client id at the directory, sent as <c>client_id</c> with <c>tls_client_auth</c>. Required.</summary>
    public string? ClientId { get; set; }

    /// <summary>PEM file of the consumer's directory-issued transport certificate. Required unless <see cref="FapiClientOptions.ClientCertificate"/> is set.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>PEM file of its private key (PKCS#8, PKCS#1 or SEC1; encrypted PKCS#8 with <see cref="PrivateKeyPassword"/>).</summary>
    public string? PrivateKeyPath { get; set; }

    /// <summary>Password of an encrypted private key.</summary>
    public string? PrivateKeyPassword { get; set; }

    /// <summary>Optional PEM bundle of CA certificates trusted for the authorization server's TLS certificate, in addition to the system roots.</summary>
    public string? AuthorizationServerCaPath { get; set; }

    /// <summary>Optional PEM bundle of CA certificates trusted for providers' TLS certificates, in addition to the system roots.</summary>
    public string? ProviderCaPath { get; set; }

    /// <summary>The scopes to ask for (sent space-separated as <c>scope</c>); none means the server's default.</summary>
    public IList<string> Scopes { get; } = [];

    /// <summary>How long before its <c>expires_in</c> a token is replaced (at most half its lifetime). Default 60 s.</summary>
    public TimeSpan TokenRefreshBefore { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The longest one call may take, the token request, retries of transient faults (connection errors, 5xx, 408,
    /// 429) and the retry after a 401 included. A <c>Retry-After</c> longer than a quarter of it is not waited out.
    /// Default 30 s.
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Retries after a transient fault, within <see cref="Timeout"/>, for GET, HEAD and OPTIONS (never for a POST,
    /// PUT, PATCH or DELETE towards a provider). Default 2; 0 turns retries off.
    /// </summary>
    public int RetryCount { get; set; } = 2;
}
