namespace OpenEnergy.Fapi.Certificates;

/// <summary>
/// RFC 3986 percent-decoding of ASCII text. Unlike a form decoder it leaves <c>+</c> alone, because AWS ALB
/// forwards base64 with <c>+</c>, <c>=</c> and <c>/</c> unescaped (spec rule X-05).
/// </summary>
internal static class PercentDecoder
{
    public static bool TryDecode(ReadOnlySpan<char> source, Span<char> destination, out int written)
    {
        written = 0;
        for (int i = 0; i < source.Length; i++)
        {
            char c = source[i];
            if (c == '%')
            {
                if (i + 2 >= source.Length)
                {
                    return false;
                }

                int hi = HexValue(source[i + 1]);
                int lo = HexValue(source[i + 2]);
                if (hi < 0 || lo < 0)
                {
                    return false;
                }

                c = (char)((hi << 4) | lo);
                i += 2;
            }

            if (c > 0x7F || written >= destination.Length)
            {
                // PEM is ASCII; anything else (or an encoded multi-byte sequence) is not a certificate.
                return false;
            }

            destination[written++] = c;
        }

        return true;
    }

    internal static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };
}
