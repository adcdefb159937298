using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace OpenEnergy.Fapi.Introspection;

/// <summary>
/// The primary handler towards the authorization server: TLS 1.2+, the given transport certificate presented
/// as client certificate (<c>tls_client_auth</c>), the server's certificate judged by
/// <see cref="AuthorizationServerCertificateValidator"/>.
/// </summary>
internal static class AuthorizationServerHandlerFactory
{
    public static SocketsHttpHandler Create(X509Certificate2 clientCertificate, AuthorizationServerCertificateValidator serverTrust) => new()
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(5),
        AllowAutoRedirect = false,
        UseCookies = false,
        UseProxy = false,
        SslOptions = new SslClientAuthenticationOptions
        {
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            ClientCertificates = [clientCertificate],
            // Present our certificate whatever CA list the server advertises.
            LocalCertificateSelectionCallback = (_, _, _, _, _) => clientCertificate,
            RemoteCertificateValidationCallback = serverTrust.Validate,
        },
    };
}
