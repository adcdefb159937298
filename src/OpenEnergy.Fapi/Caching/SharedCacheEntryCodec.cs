using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using OpenEnergy.Fapi.Introspection;

namespace OpenEnergy.Fapi.Caching;

/// <summary>
/// The bytes of a shared-cache entry, and their integrity check. Layout: a format byte, the instant it was
/// written and its absolute expiry (Unix milliseconds, big-endian), the answer as an RFC 7662 JSON body, and an
/// HMAC-SHA256 under the integrity key over a fixed label, the entry's own store key and everything before the
/// MAC. An entry is believed only if the MAC verifies, so one that was altered, truncated, written under another
/// key, or copied from another token's key is refused; both instants are inside the MAC, so no one can stretch
/// an entry's life, and a reader holds it to its own <c>CacheDuration</c> from the instant it was written.
/// </summary>
internal sealed class SharedCacheEntryCodec
{
    private const byte FormatVersion = 1;
    private const int HeaderLength = 1 + sizeof(long) + sizeof(long);
    private const int MacLength = HMACSHA256.HashSizeInBytes;

    /// <summary>The largest entry read: an introspection answer's own bound, plus header and MAC. Larger is refused unread.</summary>
    public const int MaxEntryLength = HeaderLength + IntrospectionLimits.MaxResponseBytes + MacLength;
    private static readonly byte[] Label = "OpenEnergy.Fapi shared introspection cache\n"u8.ToArray();

    private readonly byte[] _integrityKey;

    public SharedCacheEntryCodec(byte[] integrityKey) => _integrityKey = integrityKey;

    /// <summary>What decoding found.</summary>
    public enum Verdict
    {
        /// <summary>The MAC verifies, the entry is in date and holds an active answer.</summary>
        Valid,

        /// <summary>The MAC verifies but the entry's expiry has passed: an ordinary miss.</summary>
        Expired,

        /// <summary>Too short, unknown format, MAC mismatch, or a body that is not an active answer.</summary>
        Rejected,
    }

    public byte[] Encode(string storeKey, IntrospectionResult result, DateTimeOffset writtenAt, DateTimeOffset validUntil)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        Span<byte> header = buffer.GetSpan(HeaderLength);
        header[0] = FormatVersion;
        BinaryPrimitives.WriteInt64BigEndian(header[1..], writtenAt.ToUnixTimeMilliseconds());
        BinaryPrimitives.WriteInt64BigEndian(header[9..], validUntil.ToUnixTimeMilliseconds());
        buffer.Advance(HeaderLength);
        IntrospectionResultWriter.Write(buffer, result);

        int signedLength = buffer.WrittenCount;
        byte[] entry = new byte[signedLength + MacLength];
        buffer.WrittenSpan.CopyTo(entry);
        ComputeMac(storeKey, entry.AsSpan(0, signedLength), entry.AsSpan(signedLength));
        return entry;
    }

    /// <summary>
    /// Checks and reads an entry. <paramref name="validUntil"/> is the earlier of the entry's own expiry and
    /// <paramref name="maxAge"/> (the reader's <c>CacheDuration</c>) after it was written.
    /// </summary>
    public Verdict Decode(string storeKey, ReadOnlySpan<byte> entry, DateTimeOffset now, TimeSpan maxAge, out IntrospectionResult result, out DateTimeOffset validUntil, out string? problem)
    {
        result = null!;
        validUntil = default;
        if (entry.Length < HeaderLength + MacLength + 2)
        {
            problem = "too short";
            return Verdict.Rejected;
        }

        if (entry.Length > MaxEntryLength)
        {
            // Refused before the MAC is computed: a planted giant value costs no hashing.
            problem = "too long";
            return Verdict.Rejected;
        }

        ReadOnlySpan<byte> signed = entry[..^MacLength];
        Span<byte> expected = stackalloc byte[MacLength];
        ComputeMac(storeKey, signed, expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, entry[^MacLength..]))
        {
            problem = "MAC mismatch";
            return Verdict.Rejected;
        }

        if (signed[0] != FormatVersion)
        {
            problem = $"format {signed[0]}";
            return Verdict.Rejected;
        }

        if (!TryReadInstant(signed[1..], out DateTimeOffset writtenAt) || !TryReadInstant(signed[9..], out DateTimeOffset expiry))
        {
            problem = "instant out of range";
            return Verdict.Rejected;
        }

        // Compared as a span, so a huge CacheDuration cannot overflow the instant.
        validUntil = maxAge < expiry - writtenAt ? writtenAt + maxAge : expiry;
        if (now >= validUntil)
        {
            problem = null;
            return Verdict.Expired;
        }

        IntrospectionOutcome outcome = IntrospectionResponseParser.Parse(signed[HeaderLength..]);
        if (outcome.Result is not { Active: true, MalformedMember: null } parsed)
        {
            problem = "body is not an active answer";
            return Verdict.Rejected;
        }

        result = parsed;
        problem = null;
        return Verdict.Valid;
    }

    private static bool TryReadInstant(ReadOnlySpan<byte> bytes, out DateTimeOffset instant)
    {
        long milliseconds = BinaryPrimitives.ReadInt64BigEndian(bytes);
        if (milliseconds < 0 || milliseconds > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
        {
            instant = default;
            return false;
        }

        instant = DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
        return true;
    }

    private void ComputeMac(string storeKey, ReadOnlySpan<byte> signed, Span<byte> destination)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _integrityKey);
        hmac.AppendData(Label);
        // Length-prefixed, so no key/body split of the same bytes can collide with another.
        Span<byte> length = stackalloc byte[sizeof(int)];
        byte[] key = Encoding.UTF8.GetBytes(storeKey);
        BinaryPrimitives.WriteInt32BigEndian(length, key.Length);
        hmac.AppendData(length);
        hmac.AppendData(key);
        hmac.AppendData(signed);
        hmac.GetHashAndReset(destination);
    }
}
