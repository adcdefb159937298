using System.Security.Cryptography;
using System.Text;
using OpenEnergy.Fapi.Certificates;

namespace OpenEnergy.Fapi.Caching;

/// <summary>
/// The cache key of a token: SHA-256 over the issuer, the provider's client id and the token. The raw token
/// is never kept as a key; the issuer and client id keep two validators' entries apart.
/// </summary>
internal readonly struct TokenHash : IEquatable<TokenHash>
{
    // One reusable SHA-256 context per thread: the one-shot API creates and frees an OpenSSL context on every
    // call, which is most of the cost of hashing a short token. Compute never awaits, so a thread's context is
    // never shared.
    [ThreadStatic]
    private static IncrementalHash? t_sha256;

    private readonly Sha256Value _hash;

    private TokenHash(ReadOnlySpan<byte> hash) => _hash = new Sha256Value(hash);

    /// <summary>
    /// The bytes hashed before every token: <c>issuer \n client_id \n</c>, and <c>audience \n</c> when one is
    /// validated, so validators that judge audiences differently never share an entry.
    /// </summary>
    public static byte[] CreatePrefix(string? issuer, string? clientId, string? audience = null)
        => Encoding.UTF8.GetBytes(audience is null ? $"{issuer}\n{clientId}\n" : $"{issuer}\n{clientId}\n{audience}\n");

    /// <summary>Hashes a token that has already passed the <c>b64token</c> check (ASCII, bounded length).</summary>
    public static TokenHash Compute(ReadOnlySpan<byte> prefix, ReadOnlySpan<char> token)
    {
        int length = prefix.Length + token.Length;
        Span<byte> input = length <= 8192 ? stackalloc byte[length] : new byte[length];
        prefix.CopyTo(input);
        // The token is ASCII (b64token), so one char is one byte.
        int written = Encoding.ASCII.GetBytes(token, input[prefix.Length..]);
        IncrementalHash sha256 = t_sha256 ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha256.AppendData(input[..(prefix.Length + written)]);
        Span<byte> hash = stackalloc byte[32];
        sha256.GetHashAndReset(hash);
        return new TokenHash(hash);
    }

    /// <summary>The whole hash in lower-case hex: the token's key in a shared store.</summary>
    public string ToHex()
    {
        Span<byte> bytes = stackalloc byte[Sha256Value.Length];
        _hash.CopyTo(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    public bool Equals(TokenHash other) => _hash.Equals(other._hash);

    public override bool Equals(object? obj) => obj is TokenHash other && Equals(other);

    public override int GetHashCode() => _hash.GetHashCode();

    /// <summary>Eight hex digits: enough to correlate log entries, useless for recovering the token.</summary>
    public override string ToString() => _hash.Prefix.ToString("x8", System.Globalization.CultureInfo.InvariantCulture);
}
