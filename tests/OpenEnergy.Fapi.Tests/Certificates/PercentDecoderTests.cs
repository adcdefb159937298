using System.Text;
using OpenEnergy.Fapi.Certificates;

namespace OpenEnergy.Fapi.Tests.Certificates;

public sealed class PercentDecoderTests
{
    [TestCase("", "")]
    [TestCase("no escapes at all", "no escapes at all")]
    [TestCase("%41", "A")]
    [TestCase("%41%42%43", "ABC")]
    [TestCase("a%2Bb%2fc%3D", "a+b/c=")]
    [TestCase("-----BEGIN%20CERTIFICATE-----%0AMIIB%0A", "-----BEGIN CERTIFICATE-----\nMIIB\n")]
    [TestCase("%2541", "%41")]
    [TestCase("tail%7E", "tail~")]
    [TestCase("+stays+", "+stays+")]
    public void Decodes(string escaped, string expected)
    {
        Assert.That(Decode(escaped), Is.EqualTo(expected));
    }

    [TestCase("%")]
    [TestCase("%4")]
    [TestCase("abc%4")]
    [TestCase("%G1")]
    [TestCase("%1G")]
    [TestCase("%80")]
    [TestCase("%C3%A9")]
    [TestCase("ok%20then%ZZ")]
    public void RefusesBrokenOrNonAsciiEscapes(string escaped)
    {
        byte[] text = Encoding.ASCII.GetBytes(escaped);
        Assert.That(PercentDecoder.TryDecodeInPlace(text, out _), Is.False);
    }

    [Test]
    public void AgreesWithTheFrameworkOnRandomAsciiText()
    {
        var random = new Random(20261128);
        for (int i = 0; i < 2000; i++)
        {
            char[] original = new char[random.Next(0, 200)];
            for (int j = 0; j < original.Length; j++)
            {
                original[j] = (char)random.Next(0x20, 0x7F);
            }

            string text = new(original);
            Assert.That(Decode(Uri.EscapeDataString(text)), Is.EqualTo(text));
        }
    }

    private static string? Decode(string escaped)
    {
        byte[] text = Encoding.ASCII.GetBytes(escaped);
        return PercentDecoder.TryDecodeInPlace(text, out int written) ? Encoding.ASCII.GetString(text, 0, written) : null;
    }
}
