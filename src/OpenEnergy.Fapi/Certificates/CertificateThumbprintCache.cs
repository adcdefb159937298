using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;

namespace OpenEnergy.Fapi.Certificates;

/// <summary>
/// Thumbprints of TLS client certificates, remembered per certificate object. A host keeps one object per
/// connection, so the hash is computed once per connection, not once per request; entries go with the object.
/// </summary>
public static class CertificateThumbprintCache
{
    private static readonly ConditionalWeakTable<X509Certificate2, StrongBox<CertificateThumbprint>> Thumbprints = [];

    /// <summary>The thumbprint of <paramref name="certificate"/>, computed on first use.</summary>
    /// <param name="certificate">A connection's client certificate.</param>
    public static CertificateThumbprint Get(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return Thumbprints.GetValue(certificate, static c => new StrongBox<CertificateThumbprint>(CertificateThumbprint.FromCertificate(c))).Value;
    }
}
