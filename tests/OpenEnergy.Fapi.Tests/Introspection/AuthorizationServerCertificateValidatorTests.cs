using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using OpenEnergy.Fapi.Configuration;
using OpenEnergy.Fapi.Introspection;
using OpenEnergy.Fapi.Testing;

namespace OpenEnergy.Fapi.Tests.Introspection;

/// <summary>How the authorization server's TLS certificate is judged when the system does not know its root.</summary>
public class AuthorizationServerCertificateValidatorTests
{
    private static readonly TestCertificateAuthority Bundle = TestCertificateAuthority.Create("Authorization Server CA");
    private static readonly TestCertificateAuthority Stranger = TestCertificateAuthority.Create("Stranger CA");
    private static readonly X509Certificate2 ServerCertificate = Bundle.IssueServerCertificate("matls-auth.example");

    private static AuthorizationServerCertificateValidator Validator(AuthorizationServerTrust mode = AuthorizationServerTrust.SystemAndBundle)
        => new([Bundle.Certificate], mode);

    [Test]
    public void ServerCertificateFromTheBundle_IsTrusted_WhenTheSystemDoesNotKnowItsRoot()
        => Assert.That(Validator().Validate(null, ServerCertificate, null, SslPolicyErrors.RemoteCertificateChainErrors), Is.True);

    [Test]
    public void CertificateFromTheBundle_WithoutTheServerAuthenticationPurpose_IsRefused()
    {
        // A client (transport) certificate of the same CA must not be able to impersonate the server.
        X509Certificate2 clientOnly = Bundle.IssueClientCertificate("matls-auth.example");

        Assert.That(Validator().Validate(null, clientOnly, null, SslPolicyErrors.RemoteCertificateChainErrors), Is.False);
    }

    [Test]
    public void CertificateOfAnotherCa_IsRefused()
        => Assert.That(Validator().Validate(null, Stranger.IssueServerCertificate("matls-auth.example"), null, SslPolicyErrors.RemoteCertificateChainErrors), Is.False);

    [TestCase(SslPolicyErrors.RemoteCertificateNameMismatch)]
    [TestCase(SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateChainErrors)]
    public void WrongHostName_IsNeverForgiven(SslPolicyErrors errors)
        => Assert.That(Validator().Validate(null, ServerCertificate, null, errors), Is.False);

    [Test]
    public void BundleOnly_IgnoresTheSystemsVerdict()
    {
        X509Certificate2 publicLooking = Stranger.IssueServerCertificate("matls-auth.example");

        Assert.That(Validator(AuthorizationServerTrust.BundleOnly).Validate(null, publicLooking, null, SslPolicyErrors.None), Is.False);
        Assert.That(Validator(AuthorizationServerTrust.BundleOnly).Validate(null, ServerCertificate, null, SslPolicyErrors.None), Is.True);
        Assert.That(Validator().Validate(null, publicLooking, null, SslPolicyErrors.None), Is.True, "SystemAndBundle keeps the system's good verdict");
    }

    [Test]
    public void BundleOnly_WithoutABundle_IsAConfigurationError()
    {
        var error = Assert.Throws<InvalidOperationException>(() => _ = new AuthorizationServerCertificateValidator([], AuthorizationServerTrust.BundleOnly));

        Assert.That(error!.Message, Does.Contain("AuthorizationServerCaPath"));
    }
}
