using System.Text.Json;
using OpenEnergy.Fapi.Certificates;
using OpenEnergy.Fapi.Introspection;

namespace OpenEnergy.Fapi.Validation;

/// <summary>Who made an accepted request: the facts about the consumer that provider policy may use.</summary>
public sealed class FapiConsumer
{
    internal FapiConsumer(IntrospectionResult introspection, CertificateThumbprint certificate, DirectoryCertificate? details)
    {
        Introspection = introspection;
        CertificateThumbprint = certificate;
        Certificate = details;
    }

    /// <summary>The consumer's <c>client_id</c>.</summary>
    public string? ClientId => Introspection.ClientId;

    /// <summary>The consumer's organisation (the stable key for access decisions in Open Energy).</summary>
    public string? OrganisationId => Introspection.OrganisationId;

    /// <summary>The consumer organisation's name.</summary>
    public string? OrganisationName => Introspection.OrganisationName;

    /// <summary>The token's scopes.</summary>
    public IReadOnlyList<string> Scopes => Introspection.Scopes;

    /// <summary>The consumer software's roles.</summary>
    public IReadOnlyList<string> SoftwareRoles => Introspection.SoftwareRoles;

    /// <summary>The <c>additional_software_metadata</c> (or <c>additional_client_metadata</c>) object.</summary>
    public JsonElement? SoftwareMetadata => Introspection.AdditionalSoftwareMetadata ?? Introspection.AdditionalClientMetadata;

    /// <summary>The thumbprint of the certificate the consumer presented (and the token is bound to).</summary>
    public CertificateThumbprint CertificateThumbprint { get; }

    /// <summary>
    /// What the presented certificate says (directory roles, application, member, URI SANs), when the host gave
    /// it (the adapters always do).
    /// </summary>
    public DirectoryCertificate? Certificate { get; }

    /// <summary>The whole introspection answer.</summary>
    public IntrospectionResult Introspection { get; }
}
