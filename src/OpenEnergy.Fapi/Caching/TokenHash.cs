using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace OpenEnergy.Fapi.Caching;

/// <summary>
/// The cache key of a token: SHA-256 over the issuer, the provider's client id and the token. The raw token
/// is never kept as a key; the issuer and client id keep two validators' entries apart.
/// </summary>
internal readonly struct TokenHash : IEquatable<TokenHash>
{
    private readonly ulong _a;
    private readonly ulong _b;
    private readonly ulong _c;
    private readonly ulong _d;

    private TokenHash(ReadOnlySpan<byte> hash)
    {
        _a = BinaryPrimitives.ReadUInt64LittleEndian(hash);
        _b = BinaryPrimitives.ReadUInt64LittleEndian(hash[8..]);
        _c = BinaryPrimitives.ReadUInt64LittleEndian(hash[16..]);
        _d = BinaryPrimitives.ReadUInt64LittleEndian(hash[24..]);
    }

    /// <summary>The bytes hashed before every token: <c>issuer \n client_id \n</c>.</summary>
    public static byte[] CreatePrefix(string? issuer, string? clientId) => Encoding.UTF8.GetBytes($"{issuer}\n{clientId}\n");

    /// <summary>Hashes a token that has already passed the <c>b64token</c> check (ASCII, bounded length).</summary>
    public static TokenHash Compute(ReadOnlySpan<byte> prefix, ReadOnlySpan<char> token)
    {
        int length = prefix.Length + token.Length;
        Span<byte> input = length <= 8192 ? stackalloc byte[length] : new byte[length];
        prefix.CopyTo(input);
        // The token is ASCII (b64token), so one char is one byte.
        int written = Encoding.ASCII.GetBytes(token, input[prefix.Length..]);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(input[..(prefix.Length + written)], hash);
        return new TokenHash(hash);
    }

    public bool Equals(TokenHash other) => _a == other._a && _b == other._b && _c == other._c && _d == other._d;

    public override bool Equals(object? obj) => obj is TokenHash other && Equals(other);

    // The hash is uniformly distributed already: any 32 bits of it make a good bucket index.
    public override int GetHashCode() => (int)_a;

    /// <summary>Eight hex digits: enough to correlate log entries, useless for recovering the token.</summary>
    public override string ToString() => ((uint)(BinaryPrimitives.ReverseEndianness(_a) >> 32)).ToString("x8", System.Globalization.CultureInfo.InvariantCulture);
}
