namespace OpenEnergy.Fapi.Introspection;

/// <summary>Where to introspect, and the <c>iss</c> to expect in the answers (<see langword="null"/>: unknown, not checked).</summary>
internal sealed record AuthorizationServerEndpoints(Uri IntrospectionEndpoint, string? ExpectedIssuer);
