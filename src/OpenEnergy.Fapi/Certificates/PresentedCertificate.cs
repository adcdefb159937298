using System.Security.Cryptography.X509Certificates;

namespace OpenEnergy.Fapi.Certificates;

/// <summary>
/// The client certificate a request presented, as the validator sees it: its thumbprint and where it came
/// from. The certificate object is built only when asked for (<see cref="LoadCertificate"/>).
/// </summary>
public readonly struct PresentedCertificate
{
    private readonly ForwardedCertificateFormat _forwardedFormat;

    /// <summary>Creates the value.</summary>
    /// <param name="thumbprint">The thumbprint, or <see langword="null"/> for none.</param>
    /// <param name="source">Where it came from (ignored without a thumbprint).</param>
    /// <param name="connectionCertificate">The TLS connection's certificate object, for <see cref="ClientCertificateSource.TlsConnection"/>.</param>
    /// <param name="forwardedHeader">The trusted proxy's header value, for <see cref="ClientCertificateSource.TrustedProxyHeader"/>.</param>
    /// <param name="forwardedFormat">The header's encoding, as configured (so the object is decoded exactly as the thumbprint was).</param>
    /// <param name="details">What the certificate says (roles, application, URI SANs), read once per certificate.</param>
    public PresentedCertificate(CertificateThumbprint? thumbprint, ClientCertificateSource source, X509Certificate2? connectionCertificate = null, string? forwardedHeader = null, ForwardedCertificateFormat forwardedFormat = ForwardedCertificateFormat.Auto, DirectoryCertificate? details = null)
    {
        Details = thumbprint is null ? null : details;
        _forwardedFormat = forwardedFormat;
        Thumbprint = thumbprint;
        Source = thumbprint is null ? ClientCertificateSource.None : source;
        ConnectionCertificate = thumbprint is null ? null : connectionCertificate;
        ForwardedHeader = thumbprint is null ? null : forwardedHeader;
    }

    /// <summary>No usable certificate.</summary>
    public static PresentedCertificate None => default;

    /// <summary>The thumbprint, or <see langword="null"/> when the request has no usable certificate.</summary>
    public CertificateThumbprint? Thumbprint { get; }

    /// <summary>What the certificate says (directory roles, application, member, URI SANs), when read.</summary>
    public DirectoryCertificate? Details { get; }

    /// <summary>Where the certificate came from.</summary>
    public ClientCertificateSource Source { get; }

    /// <summary>The TLS connection's certificate object, when the certificate came from the connection.</summary>
    public X509Certificate2? ConnectionCertificate { get; }

    /// <summary>The forwarded header's value, when the certificate came from a trusted proxy.</summary>
    public string? ForwardedHeader { get; }

    /// <summary>The certificate object: the connection's, or a new one decoded from the forwarded header.</summary>
    public X509Certificate2? LoadCertificate()
    {
        if (ConnectionCertificate is not null)
        {
            return ConnectionCertificate;
        }

        return ForwardedHeader is not null && ForwardedCertificateDecoder.TryDecodeLeaf(ForwardedHeader, _forwardedFormat, out byte[] der)
            ? X509CertificateLoader.LoadCertificate(der)
            : null;
    }
}
