using Microsoft.Extensions.Primitives;
using OpenEnergy.Fapi.Certificates;

namespace OpenEnergy.Fapi.Validation;

/// <summary>What an adapter takes from a request for the core to judge. A value type: building one allocates nothing.</summary>
public readonly struct FapiRequest
{
    /// <summary>Every <c>Authorization</c> header value of the request (zero, one or more).</summary>
    public StringValues Authorization { get; init; }

    /// <summary>Whether the query string or a form body carries <c>access_token</c> (never accepted; with a header too, 400).</summary>
    public bool AccessTokenInQueryOrBody { get; init; }

    /// <summary>The thumbprint of the client certificate of this request, or <see langword="null"/> when there is none.</summary>
    public CertificateThumbprint? ClientCertificate { get; init; }

    /// <summary>
    /// What the client certificate says (roles, application, URI SANs), read once per certificate with
    /// <see cref="DirectoryCertificate.Parse(System.ReadOnlySpan{byte})"/>. Used only when its thumbprint is
    /// <see cref="ClientCertificate"/>; without it, role requirements and the client-id binding are not met.
    /// </summary>
    public DirectoryCertificate? ClientCertificateDetails { get; init; }

    /// <summary>
    /// The resource's directory-role requirements, all of which must hold (each "any of"); <see langword="null"/> or
    /// empty means the configured <c>AcceptedRoles</c>.
    /// </summary>
    public IReadOnlyList<FapiRoleRequirement>? RequiredRoles { get; init; }

    /// <summary>The resource, for log entries (the endpoint or path).</summary>
    public string? Resource { get; init; }

    /// <summary>The scopes the resource needs; all must be present.</summary>
    public IReadOnlyList<string>? RequiredScopes { get; init; }

    /// <summary>The request's interaction id, for log entries.</summary>
    public string? InteractionId { get; init; }
}
