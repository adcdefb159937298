using System.Security.Cryptography.X509Certificates;
using OpenEnergy.Fapi.Testing;

namespace OpenEnergy.Fapi.Tests.Testing;

public class TestCertificateAuthorityTests
{
    [TestCase(TestKeyAlgorithm.EcdsaP256)]
    [TestCase(TestKeyAlgorithm.Rsa2048)]
    public void IssuedClientCertificate_ChainsToTheCa_AndHasItsKey(TestKeyAlgorithm algorithm)
    {
        using TestCertificateAuthority ca = TestCertificateAuthority.Create();
        using X509Certificate2 client = ca.IssueClientCertificate("software-1", "org-1", algorithm: algorithm);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca.Certificate);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;

        Assert.That(chain.Build(client), Is.True);
        Assert.That(client.HasPrivateKey, Is.True);
        Assert.That(client.Subject, Does.Contain("OU=org-1"));
    }

    [Test]
    public void ExpiredCertificate_CanBeIssued()
    {
        using TestCertificateAuthority ca = TestCertificateAuthority.Create();

        using X509Certificate2 expired = ca.IssueClientCertificate("old", notBefore: DateTimeOffset.UtcNow.AddDays(-10), notAfter: DateTimeOffset.UtcNow.AddDays(-1));

        Assert.That(expired.NotAfter, Is.LessThan(DateTime.Now));
    }

    [Test]
    public void WritePemFiles_RoundTrips()
    {
        using TestCertificateAuthority ca = TestCertificateAuthority.Create();
        using X509Certificate2 client = ca.IssueClientCertificate("software-1", algorithm: TestKeyAlgorithm.Rsa2048);
        string directory = Path.Combine(Path.GetTempPath(), "oe-fapi-pem-" + Guid.NewGuid().ToString("N"));
        try
        {
            (string certificatePath, string keyPath) = TestCertificateAuthority.WritePemFiles(client, directory, "client");
            using X509Certificate2 loaded = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);

            Assert.That(loaded.RawData, Is.EqualTo(client.RawData));
            Assert.That(loaded.HasPrivateKey, Is.True);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
