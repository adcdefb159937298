using System.Buffers.Binary;

namespace OpenEnergy.Fapi.Certificates;

/// <summary>
/// A SHA-256 result held inline as four 64-bit words: the storage behind <see cref="CertificateThumbprint"/>
/// and the cache's token hash, so neither allocates and equality is branch-free (constant time).
/// </summary>
internal readonly struct Sha256Value : IEquatable<Sha256Value>
{
    public const int Length = 32;

    private readonly ulong _a;
    private readonly ulong _b;
    private readonly ulong _c;
    private readonly ulong _d;

    public Sha256Value(ReadOnlySpan<byte> hash)
    {
        _a = BinaryPrimitives.ReadUInt64LittleEndian(hash);
        _b = BinaryPrimitives.ReadUInt64LittleEndian(hash[8..]);
        _c = BinaryPrimitives.ReadUInt64LittleEndian(hash[16..]);
        _d = BinaryPrimitives.ReadUInt64LittleEndian(hash[24..]);
    }

    /// <summary>The first four bytes, big-endian: a short, stable label for logs.</summary>
    public uint Prefix => (uint)(BinaryPrimitives.ReverseEndianness(_a) >> 32);

    public void CopyTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(destination, _a);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[8..], _b);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[16..], _c);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[24..], _d);
    }

    /// <summary>Every word is examined whatever the first difference.</summary>
    public bool Equals(Sha256Value other) => ((_a ^ other._a) | (_b ^ other._b) | (_c ^ other._c) | (_d ^ other._d)) == 0;

    public override bool Equals(object? obj) => obj is Sha256Value other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(_a, _b, _c, _d);
}
