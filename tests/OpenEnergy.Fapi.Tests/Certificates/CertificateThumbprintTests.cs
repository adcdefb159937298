using System.Security.Cryptography.X509Certificates;
using OpenEnergy.Fapi.Certificates;
using OpenEnergy.Fapi.Tests.Support;

namespace OpenEnergy.Fapi.Tests.Certificates;

public class CertificateThumbprintTests
{
    [Test]
    public void FromDer_AppendixACertificate_GivesTheRfcThumbprint()
    {
        CertificateThumbprint thumbprint = CertificateThumbprint.FromDer(AppendixA.Der);

        Assert.That(thumbprint.ToString(), Is.EqualTo("A4DtL2JmUMhAsvJj5tKyn64SqzmuXbMrJa0n761y5v0"));
        Assert.That(AppendixA.Thumbprint, Is.EqualTo("A4DtL2JmUMhAsvJj5tKyn64SqzmuXbMrJa0n761y5v0"));
    }

    [Test]
    public void FromCertificate_EqualsFromDer()
    {
        using X509Certificate2 certificate = X509Certificate2.CreateFromPem(AppendixA.Pem);

        Assert.That(CertificateThumbprint.FromCertificate(certificate), Is.EqualTo(CertificateThumbprint.FromDer(AppendixA.Der)));
    }

    [Test]
    public void FromSha256_OfTheRfcHexHash_EqualsTheComputedThumbprint()
    {
        CertificateThumbprint fromHash = CertificateThumbprint.FromSha256(Convert.FromHexString(AppendixA.Sha256Hex));

        Assert.That(fromHash, Is.EqualTo(CertificateThumbprint.FromDer(AppendixA.Der)));
    }

    [Test]
    public void TryParse_CanonicalValue_RoundTrips()
    {
        Assert.That(CertificateThumbprint.TryParse(AppendixA.Thumbprint, out CertificateThumbprint parsed), Is.True);
        Assert.That(parsed, Is.EqualTo(CertificateThumbprint.FromDer(AppendixA.Der)));
        Assert.That(parsed.ToString(), Is.EqualTo(AppendixA.Thumbprint));
    }

    [TestCase("A4DtL2JmUMhAsvJj5tKyn64SqzmuXbMrJa0n761y5v0=", TestName = "TryParse_WithPadding_IsRefused")]
    [TestCase("A4DtL2JmUMhAsvJj5tKyn64SqzmuXbMrJa0n761y5v1", TestName = "TryParse_WithNonZeroTrailingBits_IsRefused")]
    [TestCase("A4DtL2JmUMhAsvJj5tKyn64SqzmuXbMrJa0n761y5v", TestName = "TryParse_TooShort_IsRefused")]
    [TestCase("0380ed2f626650c840b2f263e6d2b29fae12ab39ae5db32b25ad27efad72e6fd", TestName = "TryParse_Hex_IsRefused")]
    [TestCase("A4DtL2JmUMhAsvJj5tKyn64SqzmuXbMrJa0n761y5v ", TestName = "TryParse_WithWhitespace_IsRefused")]
    [TestCase("A4DtL2JmUMhAsvJj5tKyn64Sqzm+XbMrJa0n761y5v0", TestName = "TryParse_StandardBase64Alphabet_IsRefused")]
    [TestCase("", TestName = "TryParse_Empty_IsRefused")]
    public void TryParse_NonCanonical_IsRefused(string text)
    {
        Assert.That(CertificateThumbprint.TryParse(text, out _), Is.False);
    }

    [Test]
    public void Equals_OneLetterCaseFlipped_IsNotEqual()
    {
        string flipped = "a" + AppendixA.Thumbprint[1..];
        Assert.That(CertificateThumbprint.TryParse(flipped, out CertificateThumbprint other), Is.True);

        Assert.That(other == CertificateThumbprint.FromDer(AppendixA.Der), Is.False);
        Assert.That(other != CertificateThumbprint.FromDer(AppendixA.Der), Is.True);
    }

    [Test]
    public void HashingThePemTextOrTheKey_GivesADifferentValue()
    {
        using X509Certificate2 certificate = X509Certificate2.CreateFromPem(AppendixA.Pem);
        CertificateThumbprint ofPemText = CertificateThumbprint.FromDer(System.Text.Encoding.ASCII.GetBytes(AppendixA.Pem));
        CertificateThumbprint ofKey = CertificateThumbprint.FromDer(certificate.PublicKey.ExportSubjectPublicKeyInfo());

        Assert.That(ofPemText.ToString(), Is.Not.EqualTo(AppendixA.Thumbprint));
        Assert.That(ofKey.ToString(), Is.Not.EqualTo(AppendixA.Thumbprint));
    }
}
