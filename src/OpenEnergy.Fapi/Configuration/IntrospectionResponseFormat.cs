namespace OpenEnergy.Fapi.Configuration;

/// <summary>What the validator asks the introspection endpoint for (<c>OpenEnergy:Fapi:IntrospectionResponseFormat</c>).</summary>
public enum IntrospectionResponseFormat
{
    /// <summary>Plain RFC 7662 JSON (<c>application/json</c>): the default.</summary>
    Json = 0,

    /// <summary>
    /// A signed JWT (RFC 9701, <c>application/token-introspection+jwt</c>), verified with the issuer's keys before its
    /// <c>token_introspection</c> object is read; an answer that fails verification counts as an outage (503).
    /// </summary>
    Jwt,
}
