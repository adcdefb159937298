using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace OpenEnergy.Fapi.Jwt;

/// <summary>
/// One fetched copy of the issuer's JSON Web Key Set: its public signing keys by <c>kid</c>. Keys without a
/// <c>kid</c>, encryption keys, private keys, RSA keys under 2048 bits, EC points off their curve and key types the
/// library cannot use are left out, each on its own (a token must name the key it was signed with).
/// </summary>
internal sealed class IssuerKeySet
{
    private static readonly JsonDocumentOptions Strict = new() { MaxDepth = Introspection.IntrospectionLimits.MaxJsonDepth, AllowDuplicateProperties = false };

    private readonly FrozenDictionary<string, IssuerKey[]> _byKeyId;

    private IssuerKeySet(FrozenDictionary<string, IssuerKey[]> byKeyId, DateTimeOffset fetchedAt, int skipped)
    {
        _byKeyId = byKeyId;
        FetchedAt = fetchedAt;
        Skipped = skipped;
    }

    /// <summary>When the set was fetched.</summary>
    public DateTimeOffset FetchedAt { get; }

    /// <summary>How many keys of the document were left out.</summary>
    public int Skipped { get; }

    /// <summary>The key ids, for logs.</summary>
    public IEnumerable<string> KeyIds => _byKeyId.Keys;

    /// <summary>The number of usable key ids.</summary>
    public int Count => _byKeyId.Count;

    /// <summary>The keys published under <paramref name="keyId"/>, or <see langword="null"/> when the set has none.</summary>
    public IssuerKey[]? Find(string keyId) => _byKeyId.GetValueOrDefault(keyId);

    /// <summary>Reads a key set document; throws <see cref="FormatException"/> when it is not one.</summary>
    public static IssuerKeySet Parse(ReadOnlySpan<byte> utf8Json, DateTimeOffset fetchedAt)
    {
        var byKeyId = new Dictionary<string, List<IssuerKey>>(StringComparer.Ordinal);
        int skipped = 0;
        try
        {
            // A member given twice (two n, two kid) refuses the whole document rather than let a parser pick one.
            using JsonDocument document = JsonDocument.Parse(utf8Json.ToArray(), Strict);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("keys", out JsonElement keys) || keys.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException("the key set is not a JSON Web Key Set (an object with a keys array)");
            }

            foreach (JsonElement jwk in keys.EnumerateArray())
            {
                if (ToIssuerKey(jwk) is not { } key)
                {
                    skipped++;
                    continue;
                }

                if (!byKeyId.TryGetValue(key.KeyId, out List<IssuerKey>? sameId))
                {
                    byKeyId[key.KeyId] = sameId = [];
                }

                sameId.Add(key);
            }
        }
        catch (JsonException ex)
        {
            throw new FormatException("the key set is not JSON (or breaks the depth or duplicate-member rules)", ex);
        }

        return new IssuerKeySet(byKeyId.ToFrozenDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal), fetchedAt, skipped);
    }

    private static IssuerKey? ToIssuerKey(JsonElement jwk)
    {
        if (jwk.ValueKind != JsonValueKind.Object || Member(jwk, "kid") is not { Length: > 0 } kid || Member(jwk, "kty") is not { } type)
        {
            return null;
        }

        // Encryption keys, and keys published with private parts (a badly broken server), are never used.
        if (Member(jwk, "use") is { } use && use != JsonWebKeyUseNames.Sig || jwk.TryGetProperty("d", out _))
        {
            return null;
        }

        try
        {
            AsymmetricSecurityKey? key = type switch
            {
                JsonWebAlgorithmsKeyTypes.RSA => ToRsaKey(jwk, kid),
                JsonWebAlgorithmsKeyTypes.EllipticCurve => ToEcKey(jwk, kid),
                _ => null,
            };
            return key is null ? null : new IssuerKey(kid, type, Member(jwk, "crv"), Member(jwk, "alg"), key);
        }
        catch (CryptographicException)
        {
            // Not a valid public key (an EC point off its curve, say): this key is left out, not the whole set.
            return null;
        }
    }

    private static string? Member(JsonElement jwk, string name)
        => jwk.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static RsaSecurityKey? ToRsaKey(JsonElement jwk, string kid)
    {
        if (Decode(Member(jwk, "n")) is not { } modulus || Decode(Member(jwk, "e")) is not { Length: > 0 } exponent || BitLength(modulus) < JwsAlgorithms.MinimumRsaKeySize)
        {
            return null;
        }

        return new RsaSecurityKey(new RSAParameters { Modulus = modulus, Exponent = exponent }) { KeyId = kid };
    }

    private static ECDsaSecurityKey? ToEcKey(JsonElement jwk, string kid)
    {
        (ECCurve curve, int size) = Member(jwk, "crv") switch
        {
            JsonWebKeyECTypes.P256 => (ECCurve.NamedCurves.nistP256, 32),
            JsonWebKeyECTypes.P384 => (ECCurve.NamedCurves.nistP384, 48),
            JsonWebKeyECTypes.P521 => (ECCurve.NamedCurves.nistP521, 66),
            _ => (default(ECCurve), 0),
        };
        if (size == 0 || Decode(Member(jwk, "x")) is not { } x || Decode(Member(jwk, "y")) is not { } y || x.Length != size || y.Length != size)
        {
            return null;
        }

        // The platform checks that the point lies on the curve.
        var ecdsa = ECDsa.Create(new ECParameters { Curve = curve, Q = new ECPoint { X = x, Y = y } });
        return new ECDsaSecurityKey(ecdsa) { KeyId = kid };
    }

    private static byte[]? Decode(string? base64Url) => Base64UrlBytes.Decode(base64Url);

    private static int BitLength(byte[] unsignedBigEndian)
    {
        int start = Array.FindIndex(unsignedBigEndian, b => b != 0);
        return start < 0 ? 0 : ((unsignedBigEndian.Length - start - 1) * 8) + (8 - byte.LeadingZeroCount(unsignedBigEndian[start]));
    }
}
