namespace OpenEnergy.Fapi.Introspection;

/// <summary>
/// Where to introspect (<see langword="null"/>: the server names no endpoint, which only JWT-only validation
/// tolerates), the <c>iss</c> to expect (<see langword="null"/>: unknown, not checked in introspection answers), and
/// the key set's URL when signatures are checked.
/// </summary>
internal sealed record AuthorizationServerEndpoints(Uri? IntrospectionEndpoint, string? ExpectedIssuer, Uri? JwksUri = null);
