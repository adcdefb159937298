using System.Buffers;
using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;

namespace OpenEnergy.Fapi.Certificates;

/// <summary>
/// Decodes the client certificate that a TLS-terminating proxy forwards in a request header, in every format
/// of the spec's table 12.2, and hashes it without building an <see cref="X509Certificate2"/>.
/// Chains yield their leaf (the first certificate). Anything that is not exactly one decodable certificate
/// gives <see langword="false"/>, never an exception.
/// </summary>
public static class ForwardedCertificateDecoder
{
    /// <summary>The longest header value considered (a three-certificate chain, percent-encoded, is about 7 KiB).</summary>
    public const int MaxHeaderLength = 32 * 1024;

    private const string PemBegin = "-----BEGIN CERTIFICATE-----";
    private const string PemEnd = "-----END CERTIFICATE-----";

    /// <summary>Decodes a forwarded header value and computes the leaf certificate's <c>x5t#S256</c> thumbprint.</summary>
    /// <param name="value">The header value.</param>
    /// <param name="format">The encoding, or <see cref="ForwardedCertificateFormat.Auto"/> to detect it.</param>
    /// <param name="thumbprint">The thumbprint when the method returns <see langword="true"/>.</param>
    public static bool TryGetThumbprint(ReadOnlySpan<char> value, ForwardedCertificateFormat format, out CertificateThumbprint thumbprint)
    {
        thumbprint = default;
        value = value.Trim();
        if (value.IsEmpty || value.Length > MaxHeaderLength)
        {
            return false;
        }

        format = format == ForwardedCertificateFormat.Auto ? Detect(value) : format;
        if (format == ForwardedCertificateFormat.EnvoyXfcc)
        {
            return TryGetXfccThumbprint(value, out thumbprint, out _);
        }

        byte[] der = ArrayPool<byte>.Shared.Rent(value.Length);
        try
        {
            if (!TryDecodeLeaf(value, format, der, out int length))
            {
                return false;
            }

            thumbprint = CertificateThumbprint.FromDer(der.AsSpan(0, length));
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(der);
        }
    }

    /// <summary>
    /// Decodes a forwarded header value into the leaf certificate's DER bytes, for callers that need the
    /// certificate object itself (not on the validation path).
    /// </summary>
    /// <param name="value">The header value.</param>
    /// <param name="format">The encoding, or <see cref="ForwardedCertificateFormat.Auto"/> to detect it.</param>
    /// <param name="der">The DER bytes when the method returns <see langword="true"/>.</param>
    public static bool TryDecodeLeaf(ReadOnlySpan<char> value, ForwardedCertificateFormat format, out byte[] der)
    {
        der = [];
        value = value.Trim();
        if (value.IsEmpty || value.Length > MaxHeaderLength)
        {
            return false;
        }

        format = format == ForwardedCertificateFormat.Auto ? Detect(value) : format;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(value.Length);
        try
        {
            int length;
            if (format == ForwardedCertificateFormat.EnvoyXfcc)
            {
                if (!TryGetXfccThumbprint(value, out _, out Range cert) || !TryDecodeLeaf(value[cert], ForwardedCertificateFormat.PercentEncodedPem, buffer, out length))
                {
                    return false;
                }
            }
            else if (!TryDecodeLeaf(value, format, buffer, out length))
            {
                return false;
            }

            der = buffer.AsSpan(0, length).ToArray();
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Guesses the encoding of a header value.</summary>
    /// <param name="value">The header value.</param>
    public static ForwardedCertificateFormat Detect(ReadOnlySpan<char> value)
    {
        value = value.TrimStart();
        if (value.StartsWith("-----BEGIN", StringComparison.Ordinal))
        {
            // Base64 never contains '%': its presence means the PEM was percent-encoded.
            return value.Contains('%') ? ForwardedCertificateFormat.PercentEncodedPem : ForwardedCertificateFormat.Pem;
        }

        if (value.StartsWith("%2D", StringComparison.OrdinalIgnoreCase))
        {
            return ForwardedCertificateFormat.PercentEncodedPem;
        }

        return Xfcc.StartsWithKnownKey(value) ? ForwardedCertificateFormat.EnvoyXfcc : ForwardedCertificateFormat.Base64Der;
    }

    private static bool TryDecodeLeaf(ReadOnlySpan<char> value, ForwardedCertificateFormat format, Span<byte> der, out int length)
    {
        length = 0;
        char[]? rented = null;
        try
        {
            ReadOnlySpan<char> text = value;
            if (format == ForwardedCertificateFormat.PercentEncodedPem || (format == ForwardedCertificateFormat.Base64Der && value.Contains('%')))
            {
                rented = ArrayPool<char>.Shared.Rent(value.Length);
                if (!PercentDecoder.TryDecode(value, rented, out int decoded))
                {
                    return false;
                }

                text = rented.AsSpan(0, decoded);
            }

            ReadOnlySpan<char> base64 = format is ForwardedCertificateFormat.Pem or ForwardedCertificateFormat.PercentEncodedPem
                ? FirstPemBody(text)
                : FirstListItem(text);

            return !base64.IsEmpty
                && Convert.TryFromBase64Chars(base64, der, out length)
                && IsSingleDerSequence(der[..length]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    // The body of the first CERTIFICATE block. Line breaks may be LF, CRLF, LF+TAB (obs-fold) or single
    // spaces (a fold unfolded by a server); Convert.TryFromBase64Chars skips all of that whitespace.
    private static ReadOnlySpan<char> FirstPemBody(ReadOnlySpan<char> text)
    {
        int begin = text.IndexOf(PemBegin, StringComparison.Ordinal);
        if (begin < 0)
        {
            return default;
        }

        ReadOnlySpan<char> rest = text[(begin + PemBegin.Length)..];
        int end = rest.IndexOf(PemEnd, StringComparison.Ordinal);
        return end < 0 ? default : rest[..end];
    }

    // Traefik joins a chain with commas, leaf first.
    private static ReadOnlySpan<char> FirstListItem(ReadOnlySpan<char> text)
    {
        int comma = text.IndexOf(',');
        return (comma < 0 ? text : text[..comma]).Trim();
    }

    // One DER SEQUENCE that spans the whole buffer: cheap proof that the bytes are a certificate-shaped
    // structure and not, say, a truncated or concatenated value.
    private static bool IsSingleDerSequence(ReadOnlySpan<byte> der)
    {
        try
        {
            return AsnDecoder.TryReadEncodedValue(der, AsnEncodingRules.DER, out Asn1Tag tag, out _, out _, out int consumed)
                && consumed == der.Length
                && tag == Asn1Tag.Sequence;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static bool TryGetXfccThumbprint(ReadOnlySpan<char> value, out CertificateThumbprint thumbprint, out Range certRange)
    {
        thumbprint = default;
        certRange = default;
        if (!Xfcc.TryReadSingleElement(value, out Range cert, out Range hash, out Range chain))
        {
            return false;
        }

        bool hasHash = !value[hash].IsEmpty;
        certRange = value[cert].IsEmpty ? chain : cert;
        CertificateThumbprint fromCert = default;
        bool certDecoded = false;
        if (!value[certRange].IsEmpty)
        {
            byte[] der = ArrayPool<byte>.Shared.Rent(value[certRange].Length);
            try
            {
                if (!TryDecodeLeaf(value[certRange], ForwardedCertificateFormat.PercentEncodedPem, der, out int length))
                {
                    return false;
                }

                fromCert = CertificateThumbprint.FromDer(der.AsSpan(0, length));
                certDecoded = true;
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(der);
            }
        }

        if (hasHash)
        {
            if (!Xfcc.TryParseHexHash(value[hash], out CertificateThumbprint fromHash) || (certDecoded && fromHash != fromCert))
            {
                // A Hash that disagrees with the Cert it travels with is not "one certificate".
                return false;
            }

            thumbprint = fromHash;
            return true;
        }

        thumbprint = fromCert;
        return certDecoded;
    }
}
