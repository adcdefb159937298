using System.Text.Json;
using System.Text.Json.Serialization;

namespace OpenEnergy.Fapi.Introspection;

/// <summary>
/// The wire shape of an introspection answer. Every member is a <see cref="JsonElement"/> so that a wrongly
/// typed member is seen and judged (a bad token), not thrown while deserializing.
/// </summary>
internal sealed class IntrospectionResponseDocument
{
    [JsonPropertyName("active")] public JsonElement Active { get; set; }
    [JsonPropertyName("scope")] public JsonElement Scope { get; set; }
    [JsonPropertyName("client_id")] public JsonElement ClientId { get; set; }
    [JsonPropertyName("sub")] public JsonElement Subject { get; set; }
    [JsonPropertyName("username")] public JsonElement Username { get; set; }
    [JsonPropertyName("iss")] public JsonElement Issuer { get; set; }
    [JsonPropertyName("token_type")] public JsonElement TokenType { get; set; }
    [JsonPropertyName("jti")] public JsonElement JwtId { get; set; }
    [JsonPropertyName("aud")] public JsonElement Audience { get; set; }
    [JsonPropertyName("exp")] public JsonElement ExpiresAt { get; set; }
    [JsonPropertyName("iat")] public JsonElement IssuedAt { get; set; }
    [JsonPropertyName("nbf")] public JsonElement NotBefore { get; set; }
    [JsonPropertyName("cnf")] public JsonElement Confirmation { get; set; }
    [JsonPropertyName("organisation_id")] public JsonElement OrganisationId { get; set; }
    [JsonPropertyName("organisation_name")] public JsonElement OrganisationName { get; set; }
    [JsonPropertyName("software_roles")] public JsonElement SoftwareRoles { get; set; }
    [JsonPropertyName("additional_software_metadata")] public JsonElement AdditionalSoftwareMetadata { get; set; }
    [JsonPropertyName("additional_client_metadata")] public JsonElement AdditionalClientMetadata { get; set; }
    [JsonExtensionData] public Dictionary<string, JsonElement>? Others { get; set; }
}
