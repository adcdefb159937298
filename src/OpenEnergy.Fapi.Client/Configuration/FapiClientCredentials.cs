using System.Security.Cryptography.X509Certificates;
using OpenEnergy.Fapi.Configuration;
using OpenEnergy.Fapi.Introspection;

namespace OpenEnergy.Fapi.Client.Configuration;

/// <summary>A client's TLS identity, and how it judges the authorization server's and the providers' certificates.</summary>
internal sealed class FapiClientCredentials : IDisposable
{
    private readonly bool _ownsCertificate;

    private FapiClientCredentials(X509Certificate2 certificate, bool ownsCertificate, AuthorizationServerCertificateValidator authorizationServer, AuthorizationServerCertificateValidator providers)
    {
        Certificate = certificate;
        _ownsCertificate = ownsCertificate;
        AuthorizationServerTrust = authorizationServer;
        ProviderTrust = providers;
    }

    public X509Certificate2 Certificate { get; }

    public AuthorizationServerCertificateValidator AuthorizationServerTrust { get; }

    /// <summary>The same rules for providers: the system's roots plus the configured bundle, the host name always checked.</summary>
    public AuthorizationServerCertificateValidator ProviderTrust { get; }

    /// <summary>Loads the key material; throws <see cref="InvalidOperationException"/> with a message naming the key and the fix.</summary>
    public static FapiClientCredentials Load(FapiClientOptions options, string section)
    {
        X509Certificate2 certificate = options.ClientCertificate
            ?? TransportCertificate.Load(options.CertificatePath, options.PrivateKeyPath, options.PrivateKeyPassword, section, "the consumer's");
        if (!certificate.HasPrivateKey)
        {
            throw new InvalidOperationException($"{section}:ClientCertificate has no private key. Give a certificate with its key, or set CertificatePath and PrivateKeyPath.");
        }

        return new FapiClientCredentials(
            certificate,
            ownsCertificate: options.ClientCertificate is null,
            new AuthorizationServerCertificateValidator(Bundle(options.AuthorizationServerCaCertificates, options.AuthorizationServerCaPath, "AuthorizationServerCaPath", section), OpenEnergy.Fapi.Configuration.AuthorizationServerTrust.SystemAndBundle),
            new AuthorizationServerCertificateValidator(Bundle(options.ProviderCaCertificates, options.ProviderCaPath, "ProviderCaPath", section), OpenEnergy.Fapi.Configuration.AuthorizationServerTrust.SystemAndBundle));
    }

    /// <summary>Disposes the certificate when it was loaded from files (one given in code belongs to the application).</summary>
    public void Dispose()
    {
        if (_ownsCertificate)
        {
            Certificate.Dispose();
        }
    }

    private static X509Certificate2Collection Bundle(X509Certificate2Collection given, string? path, string key, string section)
    {
        var all = new X509Certificate2Collection(given);
        if (!string.IsNullOrWhiteSpace(path))
        {
            all.AddRange(CertificateAuthorityBundle.Load(path, key, section));
        }

        return all;
    }
}
