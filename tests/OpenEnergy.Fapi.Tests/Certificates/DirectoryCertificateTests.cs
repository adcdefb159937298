using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;
using OpenEnergy.Fapi.Certificates;
using OpenEnergy.Fapi.Testing;
using static OpenEnergy.Fapi.Tests.Support.Certificates;
using Ca = OpenEnergy.Fapi.Tests.Support.Certificates;

namespace OpenEnergy.Fapi.Tests.Certificates;

/// <summary>The IB1 directory extensions and URI SANs, read from DER; whatever does not parse counts as absent.</summary>
public class DirectoryCertificateTests
{
    private const string App = "https://directory.example/apps/consumer-1";

    [TestCase(TestKeyAlgorithm.EcdsaP256)]
    [TestCase(TestKeyAlgorithm.Rsa2048)]
    public void Ib1Certificate_GivesItsRolesApplicationMemberAndUriSan(TestKeyAlgorithm algorithm)
    {
        using X509Certificate2 certificate = Ca.Directory.IssueIb1ClientCertificate("consumer-1", ["https://registry.example/role/reader", "auditor"], App, "https://directory.example/members/42", algorithm: algorithm);

        DirectoryCertificate details = DirectoryCertificate.Parse(certificate.RawData);

        Assert.That(details.Roles, Is.EqualTo(new[] { "https://registry.example/role/reader", "auditor" }));
        Assert.That(details.Application, Is.EqualTo(App));
        Assert.That(details.Member, Is.EqualTo("https://directory.example/members/42"));
        Assert.That(details.UriSubjectAlternativeNames, Is.EqualTo(new[] { App }));
        Assert.That(details.Thumbprint, Is.EqualTo(CertificateThumbprint.FromCertificate(certificate)));
    }

    [TestCase("https://app.example")]
    [TestCase("https://app.example/")]
    [TestCase("urn:ib1:application:42")]
    public void UriSan_IsReadExactlyAsWritten(string uri)
    {
        using X509Certificate2 certificate = Ca.Directory.IssueIb1ClientCertificate("c", ["reader"], uri);

        Assert.That(DirectoryCertificate.Parse(certificate.RawData).UriSubjectAlternativeNames, Is.EqualTo(new[] { uri }));
    }

    [Test]
    public void CertificateWithoutTheExtensions_HasNoFacts()
    {
        DirectoryCertificate details = DirectoryCertificate.Parse(A.RawData);

        Assert.That(details.Roles, Is.Empty);
        Assert.That(details.Application, Is.Null);
        Assert.That(details.Member, Is.Null);
        Assert.That(details.UriSubjectAlternativeNames, Is.Empty);
    }

    private static X509Extension Raw(string oid, byte[] value) => new(oid, value, critical: false);

    [Test]
    public void RolesExtensionThatIsNotASequenceOfUtf8Strings_CountsAsAbsent_AndTheOtherFactsStillRead()
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteCharacterString(UniversalTagNumber.UTF8String, "reader");
        using X509Certificate2 certificate = Ca.Directory.IssueIb1ClientCertificate("c", roles: null, App, extraExtensions: Raw(DirectoryCertificate.RolesOid, writer.Encode()));

        DirectoryCertificate details = DirectoryCertificate.Parse(certificate.RawData);

        Assert.That(details.Roles, Is.Empty);
        Assert.That(details.Application, Is.EqualTo(App));
    }

    [TestCase(new byte[] { 0xFF, 0x00, 0x13 })]
    [TestCase(new byte[] { 0x30, 0x05, 0x0C, 0x01 })]
    [TestCase(new byte[] { })]
    public void RolesExtensionThatDoesNotParse_CountsAsAbsent(byte[] value)
    {
        using X509Certificate2 certificate = Ca.Directory.IssueIb1ClientCertificate("c", roles: null, App, extraExtensions: Raw(DirectoryCertificate.RolesOid, value));

        Assert.That(DirectoryCertificate.Parse(certificate.RawData).Roles, Is.Empty);
    }

    [TestCase(new byte[] { })]
    [TestCase(new byte[] { 0x30, 0x03, 0x02, 0x01 })]
    [TestCase(new byte[] { 0x04, 0x02, 0x41, 0x42 })]
    public void BytesThatAreNotACertificate_GiveNoFacts_AndNeverThrow(byte[] der)
    {
        DirectoryCertificate details = DirectoryCertificate.Parse(der);

        Assert.That(details.Roles, Is.Empty);
        Assert.That(details.Thumbprint, Is.EqualTo(CertificateThumbprint.FromDer(der)));
    }

    [Test]
    public void EveryTruncationOfAnIb1Certificate_NeverThrows()
    {
        using X509Certificate2 certificate = Ca.Directory.IssueIb1ClientCertificate("c", ["reader"], App, "m");
        byte[] der = certificate.RawData;

        for (int length = 0; length < der.Length; length++)
        {
            Assert.DoesNotThrow(() => DirectoryCertificate.Parse(der.AsSpan(0, length)));
        }
    }

    [Test]
    public void HasAnyRole_IsExactAndOrdinal()
    {
        using X509Certificate2 certificate = Ca.Directory.IssueIb1ClientCertificate("c", ["Reader"], App);
        DirectoryCertificate details = DirectoryCertificate.Parse(certificate.RawData);

        Assert.That(details.HasAnyRole(["reader"]), Is.False);
        Assert.That(details.HasAnyRole(["writer", "Reader"]), Is.True);
    }
}
