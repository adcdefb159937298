using System.Text;

namespace OpenEnergy.Fapi.Tests.Hardening;

/// <summary>
/// Seeded generators for the hostile-input tests. NUnit with a fixed-seed <see cref="Random"/> rather than a
/// property-testing package: every run sees the same cases (a failure names its seed and index and
/// reproduces exactly), and the suite needs no further dependency.
/// </summary>
internal static class Generators
{
    private static readonly string[] Schemes = ["Bearer", "bearer", "BEARER", "bEARER", "Basic", "DPoP", "Negotiate", "Bearer,", "Bear", "Bearerx", "", " ", "\t"];
    private const string TokenChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/";

    public static string Authorization(Random random)
    {
        var b = new StringBuilder();
        if (random.Next(5) == 0)
        {
            b.Append(Whitespace(random));
        }

        b.Append(Schemes[random.Next(Schemes.Length)]);
        b.Append(random.Next(6) switch { 0 => "", 1 => "  ", 2 => "\t", _ => " " });
        int length = random.Next(10) switch { 0 => 0, 1 => random.Next(4090, 4100), 2 => random.Next(5000, 70_000), _ => random.Next(1, 64) };
        for (int i = 0; i < length; i++)
        {
            b.Append(random.Next(40) switch
            {
                0 => (char)random.Next(0, 32),
                1 => (char)random.Next(0x80, 0x2FFF),
                2 => ' ',
                3 => '=',
                4 => ',',
                5 => '"',
                _ => TokenChars[random.Next(TokenChars.Length)],
            });
        }

        if (random.Next(8) == 0)
        {
            b.Append("==");
        }

        return b.ToString();
    }

    public static string Whitespace(Random random) => random.Next(3) switch { 0 => " ", 1 => "\t", _ => "  " };

    public static string AnyString(Random random, int maxLength)
    {
        int length = random.Next(maxLength);
        var chars = new char[length];
        for (int i = 0; i < length; i++)
        {
            chars[i] = random.Next(4) switch
            {
                0 => (char)random.Next(0, 128),
                1 => "0123456789abcdefABCDEF-"[random.Next(23)],
                2 => (char)random.Next(0x80, 0xD7FF),
                _ => (char)random.Next(32, 127),
            };
        }

        return new string(chars);
    }

    /// <summary>A mutation of a forwarded header: truncated, bit-flipped, re-armoured, repeated, emptied or blown up.</summary>
    public static string Mutate(Random random, string header)
    {
        switch (random.Next(9))
        {
            case 0:
                return header[..random.Next(header.Length)];
            case 1:
                {
                    char[] chars = header.ToCharArray();
                    int at = random.Next(chars.Length);
                    chars[at] = (char)(chars[at] ^ (1 << random.Next(7)));
                    return new string(chars);
                }

            case 2:
                return header.Replace("CERTIFICATE", random.Next(2) == 0 ? "PUBLIC KEY" : "CERTIFICATE REQUEST", StringComparison.Ordinal);
            case 3:
                return header + (random.Next(2) == 0 ? "," : "\n") + header;
            case 4:
                return "";
            case 5:
                return header + new string('A', random.Next(1, 40_000));
            case 6:
                return header.Insert(random.Next(header.Length), AnyString(random, 8));
            case 7:
                return header.Remove(random.Next(header.Length), 1);
            default:
                return header.Replace('A', 'B');
        }
    }
}
