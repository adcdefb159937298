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
}
