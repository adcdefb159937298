using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using OpenEnergy.Fapi.Configuration;

namespace OpenEnergy.Fapi.Introspection;

/// <summary>
/// The primary handler towards the authorization server: TLS 1.2+, the provider's transport certificate
/// presented as client certificate (<c>tls_client_auth</c>), the server certificate checked against the
/// system roots and the configured CA bundle, host name always checked.
/// </summary>
internal static class AuthorizationServerHandlerFactory
{
    public static SocketsHttpHandler Create(ProviderCredentials credentials)
    {
        X509Certificate2 clientCertificate = credentials.ClientCertificate;
        X509Certificate2Collection extraRoots = credentials.AuthorizationServerCas;
        return new SocketsHttpHandler
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
                RemoteCertificateValidationCallback = (_, certificate, chain, errors) => IsTrusted(certificate, chain, errors, extraRoots),
            },
        };
    }

    internal static bool IsTrusted(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors, X509Certificate2Collection extraRoots)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        // A wrong host name or no certificate is never forgiven; only an unknown root may be, by the bundle.
        if (errors != SslPolicyErrors.RemoteCertificateChainErrors || extraRoots.Count == 0 || certificate is null)
        {
            return false;
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(extraRoots);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain is not null)
        {
            foreach (X509ChainElement element in chain.ChainElements)
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        using var leaf = new X509Certificate2(certificate);
        return custom.Build(leaf);
    }
}
