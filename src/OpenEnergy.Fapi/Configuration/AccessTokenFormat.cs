namespace OpenEnergy.Fapi.Configuration;

/// <summary>How access tokens are checked (<c>OpenEnergy:Fapi:AccessTokenFormat</c>).</summary>
public enum AccessTokenFormat
{
    /// <summary>Every token is introspected at the authorization server (RFC 7662): the Open Energy default.</summary>
    Opaque = 0,

    /// <summary>
    /// Every token must be a JWT access token (RFC 9068) signed with a key of the issuer's <c>jwks_uri</c>, validated
    /// locally; nothing is introspected.
    /// </summary>
    Jwt,

    /// <summary>
    /// A signed JWT naming a <c>kid</c> of the issuer's key set is validated locally; anything else (an opaque token, a
    /// JWT without <c>kid</c>, or one whose <c>kid</c> the key set lacks after one refresh) is introspected. The IB1
    /// profile's default.
    /// </summary>
    Auto,
}
