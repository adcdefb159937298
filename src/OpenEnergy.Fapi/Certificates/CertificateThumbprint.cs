using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OpenEnergy.Fapi.Certificates;

/// <summary>
/// The RFC 8705 <c>x5t#S256</c> thumbprint of a certificate: the SHA-256 of its DER bytes.
/// A 32-byte value type, so that computing and comparing thumbprints on the request path allocates nothing.
/// </summary>
public readonly struct CertificateThumbprint : IEquatable<CertificateThumbprint>
{
    /// <summary>The length of the thumbprint in bytes.</summary>
    public const int ByteLength = 32;

    /// <summary>The length of the canonical base64url text form (no padding).</summary>
    public const int EncodedLength = 43;

    private readonly Sha256Value _hash;

    private CertificateThumbprint(ReadOnlySpan<byte> hash) => _hash = new Sha256Value(hash);

    /// <summary>Computes the thumbprint of a certificate from its DER encoding.</summary>
    /// <param name="der">The certificate's DER bytes.</param>
    public static CertificateThumbprint FromDer(ReadOnlySpan<byte> der)
    {
        Span<byte> hash = stackalloc byte[ByteLength];
        SHA256.HashData(der, hash);
        return new CertificateThumbprint(hash);
    }

    /// <summary>Computes the thumbprint of a certificate object.</summary>
    /// <param name="certificate">The certificate.</param>
    public static CertificateThumbprint FromCertificate(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return FromDer(certificate.RawDataMemory.Span);
    }

    /// <summary>Wraps an already computed SHA-256 hash (for example Envoy's XFCC <c>Hash</c>).</summary>
    /// <param name="sha256">Exactly 32 bytes.</param>
    public static CertificateThumbprint FromSha256(ReadOnlySpan<byte> sha256)
    {
        if (sha256.Length != ByteLength)
        {
            throw new ArgumentException($"A SHA-256 hash is {ByteLength} bytes long.", nameof(sha256));
        }

        return new CertificateThumbprint(sha256);
    }

    /// <summary>
    /// Parses the canonical base64url form (43 characters, no padding, no whitespace) as RFC 8705 §3.1 requires.
    /// Non-canonical text (padding, the <c>+/</c> alphabet, hex, stray bits) is refused rather than repaired.
    /// </summary>
    /// <param name="text">The <c>x5t#S256</c> value.</param>
    /// <param name="thumbprint">The parsed thumbprint when the method returns <see langword="true"/>.</param>
    public static bool TryParse(ReadOnlySpan<char> text, out CertificateThumbprint thumbprint)
    {
        thumbprint = default;
        if (text.Length != EncodedLength)
        {
            return false;
        }

        Span<byte> hash = stackalloc byte[ByteLength + 2];
        if (Base64Url.DecodeFromChars(text, hash, out _, out int written) != OperationStatus.Done || written != ByteLength)
        {
            return false;
        }

        // Base64url decoders tolerate non-zero trailing bits; a canonical value round-trips exactly.
        Span<char> again = stackalloc char[EncodedLength];
        if (!Base64Url.TryEncodeToChars(hash[..ByteLength], again, out _) || !again.SequenceEqual(text))
        {
            return false;
        }

        thumbprint = new CertificateThumbprint(hash);
        return true;
    }

    /// <summary>Writes the 32 hash bytes.</summary>
    /// <param name="destination">At least 32 bytes.</param>
    public void CopyTo(Span<byte> destination) => _hash.CopyTo(destination);

    /// <summary>Compares in constant time: every byte is examined whatever the first difference.</summary>
    /// <param name="other">The thumbprint to compare with.</param>
    public bool Equals(CertificateThumbprint other) => _hash.Equals(other._hash);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is CertificateThumbprint other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => _hash.GetHashCode();

    /// <summary>The canonical base64url text form, as it appears in <c>cnf.x5t#S256</c>.</summary>
    public override string ToString()
    {
        Span<byte> hash = stackalloc byte[ByteLength];
        CopyTo(hash);
        return Base64Url.EncodeToString(hash);
    }

    /// <summary>Equality in constant time.</summary>
    /// <param name="left">The first thumbprint.</param>
    /// <param name="right">The second thumbprint.</param>
    public static bool operator ==(CertificateThumbprint left, CertificateThumbprint right) => left.Equals(right);

    /// <summary>Inequality in constant time.</summary>
    /// <param name="left">The first thumbprint.</param>
    /// <param name="right">The second thumbprint.</param>
    public static bool operator !=(CertificateThumbprint left, CertificateThumbprint right) => !left.Equals(right);
}
