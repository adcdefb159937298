using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace OpenEnergy.Fapi.Testing;

/// <summary>The fake server's signing keys (an RSA key for PS256/RS256, a P-256 key for ES256), their JWKs, and the JWS signer.</summary>
internal sealed class FakeSigningKeys : IDisposable
{
    private readonly List<(string Kid, AsymmetricAlgorithm Key)> _retired = [];
    private int _generation;

    public FakeSigningKeys() => Rotate(keepPrevious: false);

    public string RsaKeyId { get; private set; } = "";

    public string EcKeyId { get; private set; } = "";

    public RSA Rsa { get; private set; } = null!;

    public ECDsa Ec { get; private set; } = null!;

    public void Rotate(bool keepPrevious)
    {
        lock (_retired)
        {
            if (Rsa is not null)
            {
                if (keepPrevious)
                {
                    _retired.Add((RsaKeyId, Rsa));
                    _retired.Add((EcKeyId, Ec));
                }
                else
                {
                    Rsa.Dispose();
                    Ec.Dispose();
                }
            }

            _generation++;
            Rsa = RSA.Create(2048);
            Ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            RsaKeyId = $"rsa-{_generation}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
            EcKeyId = $"ec-{_generation}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
        }
    }

    /// <summary>The published key set: the current keys and any kept after rotation.</summary>
    public JsonObject ToJwks()
    {
        lock (_retired)
        {
            var keys = new JsonArray(Jwk(RsaKeyId, Rsa), Jwk(EcKeyId, Ec));
            foreach ((string kid, AsymmetricAlgorithm key) in _retired)
            {
                keys.Add(Jwk(kid, key));
            }

            return new JsonObject { ["keys"] = keys };
        }
    }

    /// <summary>A compact JWS of <paramref name="header"/> and <paramref name="claims"/>, signed as the header's <c>alg</c> says.</summary>
    public string Sign(JsonObject header, JsonObject claims, FakeJwtDefect defect)
    {
        // Under the lock: a concurrent rotation must not dispose a key while it signs.
        lock (_retired)
        {
            return SignUnderLock(header, claims, defect);
        }
    }

    private string SignUnderLock(JsonObject header, JsonObject claims, FakeJwtDefect defect)
    {
        string signingInput = Encode(header.ToJsonString()) + "." + Encode(claims.ToJsonString());
        byte[] data = Encoding.ASCII.GetBytes(signingInput);
        string alg = (string?)header["alg"] ?? "none";
        byte[] signature = defect switch
        {
            FakeJwtDefect.AlgorithmNone => [],
            FakeJwtDefect.HmacWithPublicKey => HMACSHA256.HashData(Rsa.ExportSubjectPublicKeyInfo(), data),
            FakeJwtDefect.UnpublishedKey => SignWithStranger(alg, data),
            _ => SignWith(alg, data),
        };
        if (defect == FakeJwtDefect.TamperedPayload)
        {
            // The signature stays that of the original claims.
            var changed = (JsonObject)claims.DeepClone();
            changed["tampered"] = true;
            signingInput = Encode(header.ToJsonString()) + "." + Encode(changed.ToJsonString());
        }

        return signingInput + "." + Base64Url.EncodeToString(signature);
    }

    public void Dispose()
    {
        Rsa.Dispose();
        Ec.Dispose();
        foreach ((_, AsymmetricAlgorithm key) in _retired)
        {
            key.Dispose();
        }
    }

    private byte[] SignWith(string alg, byte[] data) => alg switch
    {
        "PS256" => Rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pss),
        "RS256" => Rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
        "ES256" => Ec.SignData(data, HashAlgorithmName.SHA256),
        _ => throw new ArgumentException($"The fake server does not sign with '{alg}'.", nameof(alg)),
    };

    private static byte[] SignWithStranger(string alg, byte[] data)
    {
        if (alg == "ES256")
        {
            using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            return ec.SignData(data, HashAlgorithmName.SHA256);
        }

        using var rsa = RSA.Create(2048);
        return rsa.SignData(data, HashAlgorithmName.SHA256, alg == "RS256" ? RSASignaturePadding.Pkcs1 : RSASignaturePadding.Pss);
    }

    private static JsonObject Jwk(string kid, AsymmetricAlgorithm key)
    {
        if (key is RSA rsa)
        {
            RSAParameters p = rsa.ExportParameters(false);
            return new JsonObject { ["kty"] = "RSA", ["use"] = "sig", ["kid"] = kid, ["n"] = Base64Url.EncodeToString(p.Modulus), ["e"] = Base64Url.EncodeToString(p.Exponent) };
        }

        ECParameters q = ((ECDsa)key).ExportParameters(false);
        return new JsonObject { ["kty"] = "EC", ["use"] = "sig", ["kid"] = kid, ["crv"] = "P-256", ["x"] = Base64Url.EncodeToString(q.Q.X), ["y"] = Base64Url.EncodeToString(q.Q.Y) };
    }

    private static string Encode(string json) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));
}
