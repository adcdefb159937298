using System.Buffers;
using System.Buffers.Text;
using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;
using System.Text;

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

    private static ReadOnlySpan<byte> PemBegin => "-----BEGIN CERTIFICATE-----"u8;

    private static ReadOnlySpan<byte> PemEnd => "-----END CERTIFICATE-----"u8;

    private static readonly SearchValues<byte> Base64Whitespace = SearchValues.Create(" \t\r\n"u8);

    /// <summary>Decodes a forwarded header value and computes the leaf certificate's <c>x5t#S256</c> thumbprint.</summary>
    /// <param name="value">The header value.</param>
    /// <param name="format">The encoding, or <see cref="ForwardedCertificateFormat.Auto"/> to detect it.</param>
    /// <param name="thumbprint">The thumbprint when the method returns <see langword="true"/>.</param>
    public static bool TryGetThumbprint(ReadOnlySpan<char> value, ForwardedCertificateFormat format, out CertificateThumbprint thumbprint)
    {
        thumbprint = default;
        if (!TryNormalize(ref value, ref format))
        {
            return false;
        }

        return format == ForwardedCertificateFormat.EnvoyXfcc
            ? TryGetXfccThumbprint(value, out thumbprint, out _)
            : TryHashLeaf(value, format, out thumbprint);
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
        bool read = TryReadLeaf(value, format, out _, out byte[]? leaf) && leaf is not null;
        der = read ? leaf! : [];
        return read;
    }

    /// <summary>
    /// One decode for both: the leaf's thumbprint, as <see cref="TryGetThumbprint"/> gives it, and its DER bytes,
    /// or <see langword="null"/> bytes when the header carries a hash alone (an XFCC element with <c>Hash</c> only).
    /// </summary>
    internal static bool TryReadLeaf(ReadOnlySpan<char> value, ForwardedCertificateFormat format, out CertificateThumbprint thumbprint, out byte[]? der)
    {
        thumbprint = default;
        der = null;
        if (!TryNormalize(ref value, ref format))
        {
            return false;
        }

        if (format == ForwardedCertificateFormat.EnvoyXfcc)
        {
            // The element is judged whole (a Hash must agree with its Cert); then its certificate, if any, is read.
            if (!TryGetXfccThumbprint(value, out thumbprint, out Range cert))
            {
                return false;
            }

            if (value[cert].IsEmpty)
            {
                return true;
            }

            value = value[cert];
            format = ForwardedCertificateFormat.PercentEncodedPem;
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent(2 * value.Length);
        try
        {
            if (!TryDecodeLeaf(value, format, buffer, out Range leaf))
            {
                return false;
            }

            ReadOnlySpan<byte> bytes = buffer.AsSpan()[leaf];
            thumbprint = CertificateThumbprint.FromDer(bytes);
            der = bytes.ToArray();
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

    // Trimmed, within bounds, and with the format settled.
    private static bool TryNormalize(ref ReadOnlySpan<char> value, ref ForwardedCertificateFormat format)
    {
        value = value.Trim();
        if (value.IsEmpty || value.Length > MaxHeaderLength)
        {
            return false;
        }

        format = format == ForwardedCertificateFormat.Auto ? Detect(value) : format;
        return true;
    }

    private static bool TryHashLeaf(ReadOnlySpan<char> value, ForwardedCertificateFormat format, out CertificateThumbprint thumbprint)
    {
        thumbprint = default;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(2 * value.Length);
        try
        {
            if (!TryDecodeLeaf(value, format, buffer, out Range leaf))
            {
                return false;
            }

            thumbprint = CertificateThumbprint.FromDer(buffer.AsSpan()[leaf]);
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // The text is narrowed to ASCII bytes (vectorized), percent-escapes are decoded in place, the base64 is found
    // and its line breaks squeezed out, and the vectorized UTF-8 decoder writes the DER after the text: several
    // times faster than decoding UTF-16 with whitespace. buffer must hold 2 * value.Length bytes; the DER ends up
    // in buffer[leaf].
    private static bool TryDecodeLeaf(ReadOnlySpan<char> value, ForwardedCertificateFormat format, Span<byte> buffer, out Range leaf)
    {
        leaf = default;
        Span<byte> text = buffer[..value.Length];
        if (Ascii.FromUtf16(value, text, out _) != OperationStatus.Done)
        {
            return false;
        }

        bool escaped = format == ForwardedCertificateFormat.PercentEncodedPem || (format == ForwardedCertificateFormat.Base64Der && value.Contains('%'));
        if (escaped)
        {
            if (!PercentDecoder.TryDecodeInPlace(text, out int decoded))
            {
                return false;
            }

            text = text[..decoded];
        }

        Span<byte> encoded = text[format is ForwardedCertificateFormat.Pem or ForwardedCertificateFormat.PercentEncodedPem ? FirstPemBody(text) : FirstListItem(text)];
        int length = RemoveBase64Whitespace(encoded);
        Span<byte> der = buffer[value.Length..];
        if (length == 0 || Base64.DecodeFromUtf8(encoded[..length], der, out int consumed, out int written) != OperationStatus.Done || consumed != length)
        {
            return false;
        }

        leaf = value.Length..(value.Length + written);
        return IsSingleDerSequence(buffer[leaf]);
    }

    // The body of the first CERTIFICATE block. Line breaks may be LF, CRLF, LF+TAB (obs-fold) or single
    // spaces (a fold unfolded by a server); RemoveBase64Whitespace takes them out.
    private static Range FirstPemBody(ReadOnlySpan<byte> text)
    {
        int begin = text.IndexOf(PemBegin);
        if (begin < 0)
        {
            return default;
        }

        int bodyStart = begin + PemBegin.Length;
        int end = text[bodyStart..].IndexOf(PemEnd);
        return end < 0 ? default : bodyStart..(bodyStart + end);
    }

    // Traefik joins a chain with commas, leaf first.
    private static Range FirstListItem(ReadOnlySpan<byte> text)
    {
        int comma = text.IndexOf((byte)',');
        Range item = comma < 0 ? Range.All : ..comma;
        Range trimmed = Ascii.Trim(text[item]);
        int offset = item.Start.GetOffset(text.Length);
        return (offset + trimmed.Start.GetOffset(text[item].Length))..(offset + trimmed.End.GetOffset(text[item].Length));
    }

    // Squeezes out the whitespace base64 may be broken with (the four characters Convert.FromBase64String
    // skips), in place; returns the length left.
    private static int RemoveBase64Whitespace(Span<byte> text)
    {
        int next = text.IndexOfAny(Base64Whitespace);
        if (next < 0)
        {
            return text.Length;
        }

        int written = next;
        while (next < text.Length)
        {
            int skip = text[next..].IndexOfAnyExcept(Base64Whitespace);
            if (skip < 0)
            {
                break;
            }

            int runStart = next + skip;
            int runLength = text[runStart..].IndexOfAny(Base64Whitespace);
            runLength = runLength < 0 ? text.Length - runStart : runLength;
            text.Slice(runStart, runLength).CopyTo(text[written..]);
            written += runLength;
            next = runStart + runLength;
        }

        return written;
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
            if (!TryHashLeaf(value[certRange], ForwardedCertificateFormat.PercentEncodedPem, out fromCert))
            {
                return false;
            }

            certDecoded = true;
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
