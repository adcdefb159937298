using Microsoft.IdentityModel.JsonWebTokens;

namespace OpenEnergy.Fapi.Jwt;

/// <summary>What checking a compact JWS against the issuer's keys found.</summary>
internal readonly record struct JwsCheck(JwsCheckKind Kind, JsonWebToken? Token = null)
{
    public static JwsCheck Verified(JsonWebToken token) => new(JwsCheckKind.Verified, token);
}

/// <summary>The kinds of <see cref="JwsCheck"/>, in the order the checks run.</summary>
internal enum JwsCheckKind
{
    /// <summary>The signature verifies with an issuer key of the right type, under an allowed algorithm.</summary>
    Verified,

    /// <summary>Not a compact JWS (opaque, malformed, or an encrypted JWE).</summary>
    NotJws,

    /// <summary>A JWS whose header names no <c>kid</c>.</summary>
    NoKeyId,

    /// <summary>The issuer's key set, even refreshed, has no key under the <c>kid</c>.</summary>
    UnknownKey,

    /// <summary>The held key set lacks the <c>kid</c> and could not be refreshed.</summary>
    UnknownKeyWhileStale,

    /// <summary>The key set could not be fetched and none is held (503).</summary>
    KeySetUnavailable,

    /// <summary>The header's <c>alg</c> is not allowed, or does not fit the named key's type.</summary>
    AlgorithmNotAllowed,

    /// <summary>The signature does not verify, or the header makes it unverifiable (<c>crit</c>).</summary>
    BadSignature,
}
