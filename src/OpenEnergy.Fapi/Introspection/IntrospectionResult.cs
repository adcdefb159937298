using System.Text.Json;
using OpenEnergy.Fapi.Certificates;
using OpenEnergy.Fapi.Validation;

namespace OpenEnergy.Fapi.Introspection;

/// <summary>
/// An RFC 7662 introspection answer, immutable and small enough to cache: the standard members typed, the
/// Open Energy members (<c>organisation_id</c>, <c>software_roles</c>, <c>additional_software_metadata</c>, …)
/// exposed, and every other member kept as raw JSON. An inactive answer keeps nothing but <c>active:false</c>.
/// </summary>
public sealed class IntrospectionResult
{
    /// <summary>One empty, read-only set of additional members for every answer that has none.</summary>
    internal static readonly IReadOnlyDictionary<string, JsonElement> NoAdditionalMembers = new Dictionary<string, JsonElement>().AsReadOnly();

    // After NoAdditionalMembers: static fields are initialized in the order they are written.
    internal static readonly IntrospectionResult Inactive = new() { Active = false };

    internal IntrospectionResult()
    {
    }

    /// <summary>Whether the token is active (the JSON literal <c>true</c>).</summary>
    public bool Active { get; internal init; }

    /// <summary>The <c>scope</c> member as sent.</summary>
    public string? Scope { get; internal init; }

    /// <summary>The <c>scope</c> member split on spaces.</summary>
    public IReadOnlyList<string> Scopes { get; internal init; } = [];

    /// <summary>The <c>client_id</c> of the consumer the token was issued to.</summary>
    public string? ClientId { get; internal init; }

    /// <summary>The <c>sub</c> member.</summary>
    public string? Subject { get; internal init; }

    /// <summary>The <c>username</c> member.</summary>
    public string? Username { get; internal init; }

    /// <summary>The <c>iss</c> member.</summary>
    public string? Issuer { get; internal init; }

    /// <summary>The <c>token_type</c> member.</summary>
    public string? TokenType { get; internal init; }

    /// <summary>The <c>jti</c> member.</summary>
    public string? JwtId { get; internal init; }

    /// <summary>The <c>aud</c> member (a string or an array of strings).</summary>
    public IReadOnlyList<string> Audiences { get; internal init; } = [];

    /// <summary>The <c>exp</c> member.</summary>
    public DateTimeOffset? ExpiresAt { get; internal init; }

    /// <summary>The <c>iat</c> member.</summary>
    public DateTimeOffset? IssuedAt { get; internal init; }

    /// <summary>The <c>nbf</c> member.</summary>
    public DateTimeOffset? NotBefore { get; internal init; }

    /// <summary>The certificate the token is bound to (<c>cnf.x5t#S256</c>), when present and canonical.</summary>
    public CertificateThumbprint? BoundCertificateThumbprint { get; internal init; }

    /// <summary>Open Energy: the stable identifier of the consumer's organisation.</summary>
    public string? OrganisationId { get; internal init; }

    /// <summary>Open Energy: the consumer organisation's name.</summary>
    public string? OrganisationName { get; internal init; }

    /// <summary>Open Energy: the consumer software's roles.</summary>
    public IReadOnlyList<string> SoftwareRoles { get; internal init; } = [];

    /// <summary>Open Energy: <c>additional_software_metadata</c> (its <c>metadata</c> object carries access-control claims).</summary>
    public JsonElement? AdditionalSoftwareMetadata { get; internal init; }

    /// <summary>The same information under its other name, <c>additional_client_metadata</c>.</summary>
    public JsonElement? AdditionalClientMetadata { get; internal init; }

    /// <summary>Every member not listed above, as raw JSON.</summary>
    public IReadOnlyDictionary<string, JsonElement> AdditionalMembers { get; internal init; } = NoAdditionalMembers;

    /// <summary>The first member with a wrong JSON type, which makes the token unusable.</summary>
    internal string? MalformedMember { get; init; }

    /// <summary>Whether <c>iss</c> differs from the issuer the authorization server's metadata names.</summary>
    internal bool IssuerMismatch { get; set; }

    /// <summary>What <c>cnf</c> said about certificate binding.</summary>
    internal CertificateBinding Binding { get; init; }

    private FapiConsumer? _consumer;

    /// <summary>The consumer identity of an accepted request, built once per cached answer.</summary>
    internal FapiConsumer GetConsumer(CertificateThumbprint presented, DirectoryCertificate? details)
    {
        // One per answer as a rule: the token is bound to one certificate, whose details are memoized objects.
        FapiConsumer? consumer = _consumer;
        if (consumer is null || !ReferenceEquals(consumer.Certificate, details))
        {
            _consumer = consumer = new FapiConsumer(this, presented, details);
        }

        return consumer;
    }
}
