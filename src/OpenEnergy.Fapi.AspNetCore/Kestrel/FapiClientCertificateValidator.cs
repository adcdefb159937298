using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using OpenEnergy.Fapi.Configuration;

namespace OpenEnergy.Fapi.AspNetCore.Kestrel;

/// <summary>
/// Judges direct-TLS client certificates against the directory's CAs only (custom root trust, never the
/// machine's store), with the configured revocation checking. Expired and foreign certificates fail the handshake.
/// </summary>
internal sealed class FapiClientCertificateValidator
{
    private readonly X509Certificate2Collection _roots;
    private readonly X509RevocationMode _revocation;

    public FapiClientCertificateValidator(X509Certificate2Collection roots, X509RevocationMode revocation)
    {
        _roots = roots;
        _revocation = revocation;
    }

    public static FapiClientCertificateValidator FromOptions(FapiOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.TrustedClientCaPath))
        {
            throw new InvalidOperationException(
                $"{FapiOptions.SectionName}:TrustedClientCaPath is required for mutual TLS on Kestrel: point it at the PEM bundle of the directory's CA certificates.");
        }

        return new FapiClientCertificateValidator(CertificateAuthorityBundle.Load(options.TrustedClientCaPath, "TrustedClientCaPath"), options.ClientCertificateRevocationMode);
    }

    public bool Validate(X509Certificate2 certificate, X509Chain? presentedChain, SslPolicyErrors errors)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_roots);
        chain.ChainPolicy.RevocationMode = _revocation;
        chain.ChainPolicy.RevocationFlag = X509RevocationFlag.ExcludeRoot;
        chain.ChainPolicy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid("1.3.6.1.5.5.7.3.2"));
        if (presentedChain is not null)
        {
            foreach (X509ChainElement element in presentedChain.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        return chain.Build(certificate);
    }
}
