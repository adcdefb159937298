using System.Text.Json.Serialization;

namespace OpenEnergy.Fapi.Introspection;

/// <summary>The members of the OpenID / RFC 8414 metadata document that the validator uses.</summary>
internal sealed class DiscoveryDocument
{
    [JsonPropertyName("issuer")] public string? Issuer { get; set; }
    [JsonPropertyName("introspection_endpoint")] public string? IntrospectionEndpoint { get; set; }
    [JsonPropertyName("jwks_uri")] public string? JwksUri { get; set; }
    [JsonPropertyName("mtls_endpoint_aliases")] public MtlsEndpointAliases? MtlsEndpointAliases { get; set; }
}

/// <summary>RFC 8705 §5: the endpoints to use when authenticating with mutual TLS.</summary>
internal sealed class MtlsEndpointAliases
{
    [JsonPropertyName("introspection_endpoint")] public string? IntrospectionEndpoint { get; set; }
}
