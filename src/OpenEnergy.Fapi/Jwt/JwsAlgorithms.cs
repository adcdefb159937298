using System.Collections.Frozen;
using Microsoft.IdentityModel.Tokens;

namespace OpenEnergy.Fapi.Jwt;

/// <summary>
/// The JWS signature algorithms the library accepts, and which key each needs: the algorithm named in a token's
/// header never chooses the key type; a key is used only with algorithms of its own type (and, for EC, curve).
/// </summary>
internal static class JwsAlgorithms
{
    /// <summary>The default list: PS256 and ES256, the FAPI 2.0 algorithms the platform supports.</summary>
    public static readonly IReadOnlyList<string> Default = ["PS256", "ES256"];

    // JWS "alg" values are case-sensitive (RFC 7515 §4.1.1).
    private static readonly FrozenDictionary<string, (string KeyType, string? Curve)> Supported = new Dictionary<string, (string, string?)>(StringComparer.Ordinal)
    {
        ["PS256"] = (JsonWebAlgorithmsKeyTypes.RSA, null),
        ["PS384"] = (JsonWebAlgorithmsKeyTypes.RSA, null),
        ["PS512"] = (JsonWebAlgorithmsKeyTypes.RSA, null),
        ["RS256"] = (JsonWebAlgorithmsKeyTypes.RSA, null),
        ["RS384"] = (JsonWebAlgorithmsKeyTypes.RSA, null),
        ["RS512"] = (JsonWebAlgorithmsKeyTypes.RSA, null),
        ["ES256"] = (JsonWebAlgorithmsKeyTypes.EllipticCurve, JsonWebKeyECTypes.P256),
        ["ES384"] = (JsonWebAlgorithmsKeyTypes.EllipticCurve, JsonWebKeyECTypes.P384),
        ["ES512"] = (JsonWebAlgorithmsKeyTypes.EllipticCurve, JsonWebKeyECTypes.P521),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The smallest RSA modulus accepted, in bits (FAPI 2.0 Security Profile §5.4.1).</summary>
    public const int MinimumRsaKeySize = 2048;

    /// <summary>Why <paramref name="algorithm"/> cannot be configured, or <see langword="null"/> when it can.</summary>
    public static string? CheckConfigured(string? algorithm)
    {
        if (algorithm is not null && Supported.ContainsKey(algorithm))
        {
            return null;
        }

        string name = algorithm ?? "";
        if (name.Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            return "'none' means an unsigned token, which is never accepted.";
        }

        if (name.StartsWith("HS", StringComparison.OrdinalIgnoreCase))
        {
            return $"'{name}' is a shared-secret (HMAC) algorithm: a resource server holds only the issuer's public keys, so it is never accepted.";
        }

        if (name.Equals("EdDSA", StringComparison.OrdinalIgnoreCase) || name.Equals("Ed25519", StringComparison.OrdinalIgnoreCase))
        {
            return $"'{name}' is not supported: neither .NET nor Microsoft.IdentityModel can verify EdDSA signatures; ask the authorization server for PS256 or ES256.";
        }

        string? sameLetters = Supported.Keys.FirstOrDefault(k => k.Equals(name, StringComparison.OrdinalIgnoreCase));
        return sameLetters is not null
            ? $"'{name}' is not an algorithm name: they are case-sensitive; did you mean {sameLetters}?"
            : $"'{name}' is not a JWS algorithm this library accepts; choose from {string.Join(", ", Supported.Keys.Order(StringComparer.Ordinal))}.";
    }

    /// <summary>Whether <paramref name="key"/> may verify a signature made with <paramref name="algorithm"/>.</summary>
    public static bool Fits(string algorithm, IssuerKey key)
    {
        if (!Supported.TryGetValue(algorithm, out (string KeyType, string? Curve) needs)
            || !string.Equals(key.KeyType, needs.KeyType, StringComparison.Ordinal))
        {
            return false;
        }

        if (needs.Curve is not null && !string.Equals(key.Curve, needs.Curve, StringComparison.Ordinal))
        {
            return false;
        }

        // A key that names its algorithm is used with that one alone (RFC 7517 §4.4).
        return key.Algorithm is null || string.Equals(key.Algorithm, algorithm, StringComparison.Ordinal);
    }
}
