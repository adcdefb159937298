using System.Net;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using OpenEnergy.Fapi.Certificates;
using OpenEnergy.Fapi.Configuration;
using static OpenEnergy.Fapi.Tests.Support.Certificates;

namespace OpenEnergy.Fapi.Tests.Certificates;

public class ForwardedCertificateReaderTests
{
    private static ForwardedCertificateReader Reader(Action<FapiOptions>? configure = null)
    {
        var options = new FapiOptions { ClientCertificateHeader = "X-OE-CLIENT-CERT" };
        configure?.Invoke(options);
        return new ForwardedCertificateReader(Options.Create(options));
    }

    private static string Escaped(System.Security.Cryptography.X509Certificates.X509Certificate2 c, string tail = "")
        => Uri.EscapeDataString(c.ExportCertificatePem() + "\n" + tail);

    [Test]
    public void TrustedPeer_SingleHeader_GivesTheThumbprint_AndAgainFromTheMemo()
    {
        using ForwardedCertificateReader reader = Reader();
        string header = Escaped(A);

        Assert.That(reader.TryRead(header, default, IPAddress.Loopback, false, out CertificateThumbprint first), Is.True);
        Assert.That(reader.TryRead(new string(header.AsSpan()), default, IPAddress.Loopback, false, out CertificateThumbprint second), Is.True);
        Assert.That(first, Is.EqualTo(CertificateThumbprint.FromCertificate(A)));
        Assert.That(second, Is.EqualTo(first));
    }

    [Test]
    public void ChainsWithTheSameTail_KeepTheirOwnLeaf()
    {
        using ForwardedCertificateReader reader = Reader();
        string intermediate = Support.Certificates.Directory.Certificate.ExportCertificatePem() + "\n";

        Assert.That(reader.TryRead(Escaped(A, intermediate), default, IPAddress.Loopback, false, out CertificateThumbprint a), Is.True);
        Assert.That(reader.TryRead(Escaped(B, intermediate), default, IPAddress.Loopback, false, out CertificateThumbprint b), Is.True);

        Assert.That(a, Is.EqualTo(CertificateThumbprint.FromCertificate(A)));
        Assert.That(b, Is.EqualTo(CertificateThumbprint.FromCertificate(B)));
    }

    [Test]
    public void GarbageRemembered_StaysGarbage()
    {
        using ForwardedCertificateReader reader = Reader();

        Assert.That(reader.TryRead("%%%", default, IPAddress.Loopback, false, out _), Is.False);
        Assert.That(reader.TryRead("%%%", default, IPAddress.Loopback, false, out _), Is.False);
    }

    [Test]
    public void UntrustedPeer_RepeatedHeader_OrNoHeaderName_GiveNothing()
    {
        using ForwardedCertificateReader reader = Reader();
        using ForwardedCertificateReader off = Reader(o => o.ClientCertificateHeader = null);
        string header = Escaped(A);

        Assert.That(reader.TryRead(header, default, IPAddress.Parse("192.0.2.1"), false, out _), Is.False);
        Assert.That(reader.TryRead(new StringValues([header, header]), default, IPAddress.Loopback, false, out _), Is.False);
        Assert.That(reader.TryRead(header, default, null, true, out _), Is.True);
        Assert.That(off.TryRead(header, default, IPAddress.Loopback, false, out _), Is.False);
    }

    [TestCase("SUCCESS", true)]
    [TestCase("FAILED:self signed certificate", false)]
    [TestCase("NONE", false)]
    [TestCase(null, false)]
    public void ProxyVerdict_MustBeSuccess_WhenConfigured(string? verdict, bool accepted)
    {
        using ForwardedCertificateReader reader = Reader(o => o.ClientCertificateVerifyHeader = "X-OE-CLIENT-VERIFY");

        Assert.That(reader.TryRead(Escaped(A), verdict is null ? default : new StringValues(verdict), IPAddress.Loopback, false, out _), Is.EqualTo(accepted));
    }

    [Test]
    public void ValuesThatDifferInOneCharacterAwayFromAnySampledWindow_GetDistinctHashes_AndAreAllMemoized()
    {
        // 2,000 values that differ in one character away from the start, the middle and the end: the old sampled
        // hash gave them all one bucket, so each lookup compared them all. The memo now hashes the whole value.
        using ForwardedCertificateReader reader = Reader();
        char[] template = Escaped(A).ToCharArray();
        var values = new List<string>();
        for (int i = 0; i < 2_000; i++)
        {
            char[] value = (char[])template.Clone();
            value[200 + (i % 400)] = (char)(0x100 + (i / 400)); // never in an escaped PEM, so every value is distinct
            values.Add(new string(value));
        }

        var hashes = new HashSet<int>(values.Select(v => string.GetHashCode(v, StringComparison.Ordinal)));
        foreach (string value in values)
        {
            Assert.That(reader.TryRead(value, default, IPAddress.Loopback, false, out _), Is.False);
        }

        Assert.That(hashes, Has.Count.GreaterThan(1_990));
        Assert.That(reader.MemoCount, Is.EqualTo(2_000));
    }

    [Test]
    public void HeaderLongerThanTheLimit_IsNoCertificate_AndNotMemoized()
    {
        using ForwardedCertificateReader reader = Reader(o => o.MaxForwardedCertificateHeaderLength = 16 * 1024);
        string header = Escaped(A) + string.Concat(Enumerable.Repeat("%0A", 6_000));

        Assert.That(reader.TryRead(header, default, IPAddress.Loopback, false, out _), Is.False);
        Assert.That(reader.MemoCount, Is.Zero);
        using ForwardedCertificateReader lenient = Reader();
        Assert.That(lenient.TryRead(header, default, IPAddress.Loopback, false, out _), Is.True);
    }

    [Test]
    public void Memo_IsBoundedByTheCharactersItKeeps()
    {
        using ForwardedCertificateReader reader = Reader();
        for (int i = 0; i < 3_000; i++)
        {
            // Undecodable values are memoized too (as failures), 8,000 characters each.
            Assert.That(reader.TryRead(i.ToString("D8", System.Globalization.CultureInfo.InvariantCulture) + new string('x', 7_992), default, IPAddress.Loopback, false, out _), Is.False);
        }

        // Each entry costs 1 + 7 units of 4,096: at most 512 entries, about 4 million characters.
        Assert.That(reader.MemoCount, Is.InRange(1, 512));
    }
}
