using System.Security.Cryptography.X509Certificates;
using OpenEnergy.Fapi.Introspection;

namespace OpenEnergy.Fapi.Configuration;

/// <summary>The provider's TLS identity towards the authorization server, and the CAs it trusts for that server.</summary>
internal sealed class ProviderCredentials
{
    private ProviderCredentials(X509Certificate2 clientCertificate, AuthorizationServerCertificateValidator serverTrust)
    {
        ClientCertificate = clientCertificate;
        AuthorizationServerTrust = serverTrust;
    }

    public X509Certificate2 ClientCertificate { get; }

    /// <summary>How the authorization server's certificate is judged, built once for every client of that server.</summary>
    public AuthorizationServerCertificateValidator AuthorizationServerTrust { get; }

    /// <summary>Loads the configured key material; throws <see cref="InvalidOperationException"/> with a message naming the key and the fix.</summary>
    public static ProviderCredentials Load(FapiOptions options)
    {
        X509Certificate2 certificate = options.ClientCertificate
            ?? TransportCertificate.Load(options.CertificatePath, options.PrivateKeyPath, options.PrivateKeyPassword, FapiOptions.SectionName, "the provider's");
        if (!certificate.HasPrivateKey)
        {
            throw new InvalidOperationException(
                $"{FapiOptions.SectionName}:ClientCertificate has no private key. Give a certificate with its key, or set CertificatePath and PrivateKeyPath.");
        }

        var cas = new X509Certificate2Collection(options.AuthorizationServerCaCertificates);
        if (!string.IsNullOrWhiteSpace(options.AuthorizationServerCaPath))
        {
            cas.AddRange(CertificateAuthorityBundle.Load(options.AuthorizationServerCaPath, "AuthorizationServerCaPath"));
        }

        return new ProviderCredentials(certificate, new AuthorizationServerCertificateValidator(cas, options.AuthorizationServerTrust));
    }
}
