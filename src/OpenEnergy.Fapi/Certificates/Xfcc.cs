namespace OpenEnergy.Fapi.Certificates;

/// <summary>
/// Envoy's <c>x-forwarded-client-cert</c>: elements separated by <c>,</c>, each a <c>;</c>-separated list of
/// <c>key=value</c> pairs whose values may be double-quoted. Only a single element is accepted: several
/// elements mean several hops appended their own, and without knowing which hop is ours that is ambiguous.
/// </summary>
internal static class Xfcc
{
    private static readonly string[] Keys = ["By", "Hash", "Cert", "Chain", "Subject", "URI", "DNS"];

    public static bool StartsWithKnownKey(ReadOnlySpan<char> value)
    {
        int equals = value.IndexOf('=');
        if (equals <= 0 || equals == value.Length - 1)
        {
            return false;
        }

        ReadOnlySpan<char> key = value[..equals].Trim();
        foreach (string known in Keys)
        {
            if (key.Equals(known, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    public static bool TryReadSingleElement(ReadOnlySpan<char> value, out Range cert, out Range hash, out Range chain)
    {
        cert = hash = chain = default;
        int start = 0;
        bool quoted = false;
        for (int i = 0; i <= value.Length; i++)
        {
            char c = i < value.Length ? value[i] : ';';
            if (c == '"')
            {
                quoted = !quoted;
                continue;
            }

            if (quoted)
            {
                continue;
            }

            if (c == ',')
            {
                return false;
            }

            if (c != ';')
            {
                continue;
            }

            if (!TryReadPair(value, start, i, ref cert, ref hash, ref chain))
            {
                return false;
            }

            start = i + 1;
        }

        return !quoted;
    }

    private static bool TryReadPair(ReadOnlySpan<char> value, int start, int end, ref Range cert, ref Range hash, ref Range chain)
    {
        ReadOnlySpan<char> pair = value[start..end];
        int equals = pair.IndexOf('=');
        if (equals <= 0)
        {
            return pair.Trim().IsEmpty;
        }

        ReadOnlySpan<char> key = pair[..equals].Trim();
        int valueStart = start + equals + 1;
        int valueEnd = end;
        while (valueStart < valueEnd && value[valueStart] == ' ')
        {
            valueStart++;
        }

        while (valueEnd > valueStart && value[valueEnd - 1] == ' ')
        {
            valueEnd--;
        }

        if (valueEnd - valueStart >= 2 && value[valueStart] == '"' && value[valueEnd - 1] == '"')
        {
            valueStart++;
            valueEnd--;
        }

        Range range = valueStart..valueEnd;
        if (key.Equals("Cert", StringComparison.OrdinalIgnoreCase))
        {
            return Assign(ref cert, range);
        }

        if (key.Equals("Hash", StringComparison.OrdinalIgnoreCase))
        {
            return Assign(ref hash, range);
        }

        if (key.Equals("Chain", StringComparison.OrdinalIgnoreCase))
        {
            return Assign(ref chain, range);
        }

        return true;
    }

    // A key given twice in one element is ambiguous.
    private static bool Assign(ref Range slot, Range range)
    {
        if (!slot.Equals(default(Range)))
        {
            return false;
        }

        slot = range;
        return true;
    }

    public static bool TryParseHexHash(ReadOnlySpan<char> hex, out CertificateThumbprint thumbprint)
    {
        thumbprint = default;
        if (hex.Length != CertificateThumbprint.ByteLength * 2)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[CertificateThumbprint.ByteLength];
        if (Convert.FromHexString(hex, bytes, out _, out int written) != System.Buffers.OperationStatus.Done || written != bytes.Length)
        {
            return false;
        }

        thumbprint = CertificateThumbprint.FromSha256(bytes);
        return true;
    }
}
