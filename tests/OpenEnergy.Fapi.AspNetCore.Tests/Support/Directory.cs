using System.Security.Cryptography.X509Certificates;
using OpenEnergy.Fapi.Testing;

namespace OpenEnergy.Fapi.AspNetCore.Tests.Support;

/// <summary>The directory's CA and the certificates of two consumers and the provider, made once per run.</summary>
internal static class TestDirectory
{
    public static readonly TestCertificateAuthority Ca = TestCertificateAuthority.Create("Test Directory CA");

    public static readonly TestCertificateAuthority OtherCa = TestCertificateAuthority.Create("Some Other CA");

    public static readonly X509Certificate2 A = Ca.IssueClientCertificate("consumer-a", "org-a");

    public static readonly X509Certificate2 B = Ca.IssueClientCertificate("consumer-b", "org-b");

    public static readonly X509Certificate2 Foreign = OtherCa.IssueClientCertificate("consumer-x", "org-x");

    public static readonly X509Certificate2 SelfSigned = TestCertificateAuthority.CreateSelfSignedClientCertificate("self");

    public static readonly X509Certificate2 Expired = Ca.IssueClientCertificate("consumer-old", "org-a", DateTimeOffset.UtcNow.AddDays(-20), DateTimeOffset.UtcNow.AddDays(-1));

    public static readonly X509Certificate2 Provider = Ca.IssueClientCertificate("provider", "org-provider");

    public static readonly X509Certificate2 Server = Ca.IssueServerCertificate("localhost");

    /// <summary>The CA bundle as a PEM file, for <c>TrustedClientCaPath</c>.</summary>
    public static readonly string CaBundlePath = WriteBundle();

    private static string WriteBundle()
    {
        string path = Path.Combine(Path.GetTempPath(), "oe-fapi-ca-" + Guid.NewGuid().ToString("N") + ".pem");
        File.WriteAllText(path, Ca.Certificate.ExportCertificatePem() + "\n");
        return path;
    }
}
