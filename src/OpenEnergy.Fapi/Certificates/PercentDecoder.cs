namespace OpenEnergy.Fapi.Certificates;

/// <summary>
/// RFC 3986 percent-decoding of ASCII text. Unlike a form decoder it leaves <c>+</c> alone, because AWS ALB
/// forwards base64 with <c>+</c>, <c>=</c> and <c>/</c> unescaped (spec rule X-05).
/// </summary>
internal static class PercentDecoder
{
    /// <summary>
    /// Decodes the escapes of ASCII text in place and returns the decoded length. Escapes are sparse in a
    /// forwarded certificate (line breaks and a few base64 symbols), so the text between them moves in bulk.
    /// An escape that is truncated, not hexadecimal, or outside ASCII fails: PEM and base64 are ASCII.
    /// </summary>
    public static bool TryDecodeInPlace(Span<byte> text, out int written)
    {
        int read = text.IndexOf((byte)'%');
        written = read < 0 ? text.Length : read;
        while (read >= 0 && read < text.Length)
        {
            if (read + 2 >= text.Length)
            {
                return false;
            }

            int hi = HexValue((char)text[read + 1]);
            int lo = HexValue((char)text[read + 2]);
            if (hi < 0 || lo < 0 || hi > 7)
            {
                return false;
            }

            text[written++] = (byte)((hi << 4) | lo);
            read += 3;
            int run = text[read..].IndexOf((byte)'%');
            run = run < 0 ? text.Length - read : run;
            text.Slice(read, run).CopyTo(text[written..]);
            written += run;
            read += run;
        }

        return true;
    }

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };
}
