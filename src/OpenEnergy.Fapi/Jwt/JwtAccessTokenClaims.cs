using OpenEnergy.Fapi.Introspection;

namespace OpenEnergy.Fapi.Jwt;

/// <summary>The claims RFC 9068 §2.2 requires of a JWT access token, and the check that they are there.</summary>
internal static class JwtAccessTokenClaims
{
    /// <summary>Every required claim, in the order they are checked.</summary>
    public static readonly IReadOnlyList<string> Required = ["iss", "exp", "aud", "sub", "client_id", "iat", "jti"];

    /// <summary>The first required claim <paramref name="claims"/> lacks, or <see langword="null"/>.</summary>
    /// <param name="claims">The token's claims.</param>
    /// <param name="audienceRequired">Whether <c>aud</c> counts (not when audience validation is turned off).</param>
    public static string? FirstMissing(IntrospectionResult claims, bool audienceRequired)
    {
        if (claims.Issuer is null)
        {
            return "iss";
        }

        if (claims.ExpiresAt is null)
        {
            return "exp";
        }

        if (audienceRequired && claims.Audiences.Count == 0)
        {
            return "aud";
        }

        if (claims.Subject is null)
        {
            return "sub";
        }

        if (claims.ClientId is null)
        {
            return "client_id";
        }

        if (claims.IssuedAt is null)
        {
            return "iat";
        }

        return claims.JwtId is null ? "jti" : null;
    }
}
