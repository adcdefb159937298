using System.Text.Json.Serialization;

namespace OpenEnergy.Fapi.Introspection;

/// <summary>
/// Source-generated JSON for the authorization server's documents: no reflection, a depth limit of 16 and
/// duplicate members refused (a second <c>"active"</c> must not overrule the first).
/// </summary>
[JsonSourceGenerationOptions(MaxDepth = IntrospectionLimits.MaxJsonDepth, AllowDuplicateProperties = false)]
[JsonSerializable(typeof(IntrospectionResponseDocument))]
[JsonSerializable(typeof(DiscoveryDocument))]
internal sealed partial class FapiJsonContext : JsonSerializerContext;
