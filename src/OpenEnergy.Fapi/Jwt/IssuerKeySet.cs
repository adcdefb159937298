using System.Collections.Frozen;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace OpenEnergy.Fapi.Jwt;

/// <summary>
/// One fetched copy of the issuer's JSON Web Key Set: its public signing keys by <c>kid</c>. Keys without a
/// <c>kid</c>, encryption keys, private keys, RSA keys under 2048 bits and key types the library cannot use are
/// left out (a token must name the key it was signed with).
/// </summary>
internal sealed class IssuerKeySet
{
    private readonly FrozenDictionary<string, JsonWebKey[]> _byKeyId;

    private IssuerKeySet(FrozenDictionary<string, JsonWebKey[]> byKeyId, DateTimeOffset fetchedAt, int skipped)
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

    /// <summary>The number of usable keys.</summary>
    public int Count => _byKeyId.Count;

    /// <summary>The keys published under <paramref name="keyId"/>, or <see langword="null"/> when the set has none.</summary>
    public JsonWebKey[]? Find(string keyId) => _byKeyId.GetValueOrDefault(keyId);

    /// <summary>Reads a key set document; throws <see cref="FormatException"/> when it is not one.</summary>
    public static IssuerKeySet Parse(ReadOnlySpan<byte> utf8Json, DateTimeOffset fetchedAt)
    {
        JsonWebKeySet document;
        try
        {
            document = new JsonWebKeySet(Encoding.UTF8.GetString(utf8Json));
        }
        catch (Exception ex) when (ex is ArgumentException or System.Text.Json.JsonException or InvalidOperationException)
        {
            throw new FormatException("the key set is not a JSON Web Key Set", ex);
        }

        var byKeyId = new Dictionary<string, List<JsonWebKey>>(StringComparer.Ordinal);
        int skipped = 0;
        foreach (JsonWebKey key in document.Keys)
        {
            if (!IsUsable(key))
            {
                skipped++;
                continue;
            }

            if (!byKeyId.TryGetValue(key.Kid, out List<JsonWebKey>? keys))
            {
                byKeyId[key.Kid] = keys = [];
            }

            keys.Add(key);
        }

        return new IssuerKeySet(byKeyId.ToFrozenDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal), fetchedAt, skipped);
    }

    private static bool IsUsable(JsonWebKey key)
    {
        if (string.IsNullOrEmpty(key.Kid) || (!string.IsNullOrEmpty(key.Use) && key.Use != JsonWebKeyUseNames.Sig) || key.HasPrivateKey)
        {
            return false;
        }

        return key.Kty switch
        {
            JsonWebAlgorithmsKeyTypes.RSA => !string.IsNullOrEmpty(key.N) && !string.IsNullOrEmpty(key.E) && key.KeySize >= JwsAlgorithms.MinimumRsaKeySize,
            JsonWebAlgorithmsKeyTypes.EllipticCurve => !string.IsNullOrEmpty(key.Crv) && !string.IsNullOrEmpty(key.X) && !string.IsNullOrEmpty(key.Y),
            _ => false,
        };
    }
}
