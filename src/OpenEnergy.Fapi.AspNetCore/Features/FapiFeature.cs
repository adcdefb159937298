using System.Security.Cryptography.X509Certificates;
using OpenEnergy.Fapi.Certificates;
using OpenEnergy.Fapi.Validation;

namespace OpenEnergy.Fapi.AspNetCore.Features;

/// <summary>
/// The request's FAPI state: one object per request serves as <see cref="IFapiFeature"/> and
/// <see cref="IFapiClientCertificateFeature"/>.
/// </summary>
internal sealed class FapiFeature : IFapiFeature, IFapiClientCertificateFeature
{
    private X509Certificate2? _certificate;

    public FapiFeature(string interactionId) => InteractionId = interactionId;

    public string InteractionId { get; }

    public FapiVerdict? Verdict { get; set; }

    /// <summary>The scopes <see cref="Verdict"/> was reached for.</summary>
    public IReadOnlyList<string>? VerdictScopes { get; set; }

    /// <summary>The role requirements <see cref="Verdict"/> was given.</summary>
    public IReadOnlyList<OpenEnergy.Fapi.Validation.FapiRoleRequirement>? VerdictRoles { get; set; }

    /// <summary>Whether a verdict of this request succeeded already (its hooks and access log have run).</summary>
    public bool Accepted { get; set; }

    /// <summary>A refusal whose status and headers are written and whose body is still to come.</summary>
    public FapiFailure? PendingRefusal { get; set; }

    /// <summary>The refusal a scope policy reached, for the authentication handler's 403.</summary>
    public FapiFailure? PolicyFailure { get; set; }

    public FapiConsumer? Consumer => Verdict is { Succeeded: true } verdict ? verdict.Consumer : null;

    /// <summary>The presented certificate, once resolved.</summary>
    public PresentedCertificate? Certificate { get; set; }

    public CertificateThumbprint? Thumbprint => Certificate?.Thumbprint;

    public ClientCertificateSource Source => Certificate?.Source ?? ClientCertificateSource.None;

    public X509Certificate2? GetCertificate() => _certificate ??= Certificate?.LoadCertificate();
}
