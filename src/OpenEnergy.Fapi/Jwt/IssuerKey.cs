using Microsoft.IdentityModel.Tokens;

namespace OpenEnergy.Fapi.Jwt;

/// <summary>
/// One signing key of the issuer: its JWK members that decide which algorithms it may verify (<c>kty</c>,
/// <c>crv</c>, a pinned <c>alg</c>), and the public key the library built itself from <c>n</c>/<c>e</c> or
/// <c>crv</c>/<c>x</c>/<c>y</c>, which is the key signatures are checked with (never one an <c>x5c</c> would yield).
/// </summary>
internal sealed record IssuerKey(string KeyId, string KeyType, string? Curve, string? Algorithm, AsymmetricSecurityKey Key);
