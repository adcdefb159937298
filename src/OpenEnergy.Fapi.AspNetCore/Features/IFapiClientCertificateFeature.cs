using System.Security.Cryptography.X509Certificates;
using OpenEnergy.Fapi.Certificates;

namespace OpenEnergy.Fapi.AspNetCore.Features;

/// <summary>
/// The client certificate of a request, as the validator sees it: from the TLS connection, or from a trusted
/// proxy's header. The thumbprint is computed once per connection (or per distinct header value); the
/// certificate object is built only when asked for.
/// </summary>
public interface IFapiClientCertificateFeature
{
    /// <summary>The thumbprint, or <see langword="null"/> when the request has no usable certificate.</summary>
    CertificateThumbprint? Thumbprint { get; }

    /// <summary>Where the certificate came from.</summary>
    ClientCertificateSource Source { get; }

    /// <summary>The certificate object (built on demand for a forwarded certificate).</summary>
    X509Certificate2? GetCertificate();
}
