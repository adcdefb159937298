using System.Text.Json.Serialization;

namespace OpenEnergy.Fapi.Validation;

/// <summary>The JSON body of an error response.</summary>
internal sealed record ErrorBody(
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("error_description"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ErrorDescription);

[JsonSerializable(typeof(ErrorBody))]
internal sealed partial class FapiErrorJsonContext : JsonSerializerContext;
