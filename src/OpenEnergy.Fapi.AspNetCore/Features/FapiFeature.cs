using System.Security.Cryptography.X509Certificates;
using OpenEnergy.Fapi.Certificates;
using OpenEnergy.Fapi.Validation;

namespace OpenEnergy.Fapi.AspNetCore.Features;

/// <summary>
/// The request's FAPI state: one object per request serves as <see cref="IFapiFeature"/> and
/// <see cref="IFapiClientCertificateFeature"/>, so the adapter allocates once.
/// </summary>
internal sealed class FapiFeature : IFapiFeature, IFapiClientCertificateFeature
{
    private X509Certificate2? _certificate;
    private string? _forwardedHeader;
    private bool _certificateResolved;

    public FapiFeature(string interactionId) => InteractionId = interactionId;

    public string InteractionId { get; }

    public FapiVerdict? Verdict { get; set; }

    /// <summary>The scopes <see cref="Verdict"/> was reached for.</summary>
    public IReadOnlyList<string>? VerdictScopes { get; set; }

    public FapiConsumer? Consumer => Verdict is { Succeeded: true } verdict ? verdict.Consumer : null;

    public CertificateThumbprint? Thumbprint { get; private set; }

    public ClientCertificateSource Source { get; private set; }

    public bool CertificateResolved => _certificateResolved;

    public void SetCertificate(CertificateThumbprint? thumbprint, ClientCertificateSource source, X509Certificate2? tlsCertificate, string? forwardedHeader)
    {
        Thumbprint = thumbprint;
        Source = thumbprint is null ? ClientCertificateSource.None : source;
        _certificate = tlsCertificate;
        _forwardedHeader = forwardedHeader;
        _certificateResolved = true;
    }

    public X509Certificate2? GetCertificate()
    {
        if (_certificate is null && _forwardedHeader is not null && Source == ClientCertificateSource.TrustedProxyHeader
            && ForwardedCertificateDecoder.TryDecodeLeaf(_forwardedHeader, ForwardedCertificateFormat.Auto, out byte[] der))
        {
            _certificate = X509CertificateLoader.LoadCertificate(der);
        }

        return _certificate;
    }
}
