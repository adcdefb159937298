using System.Security.Cryptography.X509Certificates;
using OpenEnergy.Fapi.Testing;

namespace OpenEnergy.Fapi.Tests.Support;

/// <summary>Certificates made once per test run: the directory CA, two consumers, a renewal and the provider's own.</summary>
internal static class Certificates
{
    public static readonly TestCertificateAuthority Directory = TestCertificateAuthority.Create("Test Directory CA");

    /// <summary>Consumer A's transport certificate.</summary>
    public static readonly X509Certificate2 A = Directory.IssueClientCertificate("consumer-a", "org-a");

    /// <summary>Consumer B's transport certificate.</summary>
    public static readonly X509Certificate2 B = Directory.IssueClientCertificate("consumer-b", "org-b");

    /// <summary>Consumer A's renewed certificate (new key).</summary>
    public static readonly X509Certificate2 A2 = Directory.IssueClientCertificate("consumer-a", "org-a");

    /// <summary>The data provider's own transport certificate, presented to the authorization server.</summary>
    public static readonly X509Certificate2 Provider = Directory.IssueClientCertificate("provider", "org-provider");
}
