using System.Net;
using System.Security.Cryptography.X509Certificates;
using OpenEnergy.Fapi.Certificates;
using OpenEnergy.Fapi.Tests.Support;

namespace OpenEnergy.Fapi.Tests.Certificates;

public class ForwardedCertificateDecoderTests
{
    private static IEnumerable<TestCaseData> Headers() => AppendixA.Headers();

    [TestCaseSource(nameof(Headers))]
    public void TryGetThumbprint_EveryForwardedEncoding_GivesTheAppendixAThumbprint(string header)
    {
        Assert.That(ForwardedCertificateDecoder.TryGetThumbprint(header, ForwardedCertificateFormat.Auto, out CertificateThumbprint thumbprint), Is.True);
        Assert.That(thumbprint.ToString(), Is.EqualTo(AppendixA.Thumbprint));
    }

    [TestCaseSource(nameof(Headers))]
    public void TryDecodeLeaf_EveryForwardedEncoding_GivesTheCertificateDer(string header)
    {
        Assert.That(ForwardedCertificateDecoder.TryDecodeLeaf(header, ForwardedCertificateFormat.Auto, out byte[] der), Is.True);
        Assert.That(der, Is.EqualTo(AppendixA.Der));
    }

    [TestCase("pem (newline separated)", ForwardedCertificateFormat.Pem)]
    [TestCase("nginx $ssl_client_cert (LF + TAB folded)", ForwardedCertificateFormat.Pem)]
    [TestCase("folded PEM after unfolding to spaces", ForwardedCertificateFormat.Pem)]
    [TestCase("nginx $ssl_client_escaped_cert", ForwardedCertificateFormat.PercentEncodedPem)]
    [TestCase("AWS ALB X-Amzn-Mtls-Clientcert-Leaf (+ = / literal)", ForwardedCertificateFormat.PercentEncodedPem)]
    [TestCase("Envoy x-forwarded-client-cert", ForwardedCertificateFormat.EnvoyXfcc)]
    [TestCase("Traefik v2 X-Forwarded-Tls-Client-Cert (escaped base64 DER)", ForwardedCertificateFormat.Base64Der)]
    [TestCase("Traefik v3 X-Forwarded-Tls-Client-Cert (base64 DER)", ForwardedCertificateFormat.Base64Der)]
    [TestCase("Azure X-ARR-ClientCert / ASP.NET X-Client-Cert (base64 DER)", ForwardedCertificateFormat.Base64Der)]
    public void Detect_And_ExplicitFormat_AgreeForEachProxy(string name, ForwardedCertificateFormat format)
    {
        string header = AppendixA.Header(name);

        Assert.That(ForwardedCertificateDecoder.Detect(header), Is.EqualTo(format));
        Assert.That(ForwardedCertificateDecoder.TryGetThumbprint(header, format, out CertificateThumbprint thumbprint), Is.True);
        Assert.That(thumbprint.ToString(), Is.EqualTo(AppendixA.Thumbprint));
    }

    [Test]
    public void AlbHeader_ThroughAFormDecoder_NoLongerDecodesToTheCertificate()
    {
        // A form decoder turns '+' into a space; the result must not pass for the certificate.
        string formDecoded = WebUtility.UrlDecode(AppendixA.Header("AWS ALB X-Amzn-Mtls-Clientcert-Leaf (+ = / literal)"));

        bool decoded = ForwardedCertificateDecoder.TryGetThumbprint(formDecoded, ForwardedCertificateFormat.Pem, out CertificateThumbprint thumbprint);

        Assert.That(decoded && thumbprint.ToString() == AppendixA.Thumbprint, Is.False);
    }

    [TestCase("")]
    [TestCase("   ")]
    [TestCase("%%%")]
    [TestCase("-----BEGIN CERTIFICATE-----\nMIIBBjCBrAIBAjAKBggqhkjOPQQDAjAPMQ0wCwYDVQQDDARtdGxz\n-----END CERTIFICATE-----")]
    [TestCase("-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----")]
    [TestCase("-----BEGIN CERTIFICATE-----\nMIIBBjCBrAIBAjAKBggqhkjOPQQDAjAPMQ0wCwYDVQQDDARtdGxz")]
    [TestCase("-----BEGIN PUBLIC KEY-----\nMIIBBjCBrAIBAjAKBggqhkjOPQQDAjAPMQ0wCwYDVQQDDARtdGxz\n-----END PUBLIC KEY-----")]
    [TestCase("-----BEGIN%20CERTIFICATE-----%0AMIIB%ZZ")]
    [TestCase("aGVsbG8gd29ybGQ=")]
    [TestCase("By=spiffe://a;By=spiffe://b")]
    [TestCase("Hash=00;Cert=\"x\"")]
    public void TryGetThumbprint_Garbage_IsNoCertificate(string header)
    {
        Assert.That(ForwardedCertificateDecoder.TryGetThumbprint(header, ForwardedCertificateFormat.Auto, out _), Is.False);
    }

    [Test]
    public void TryGetThumbprint_TruncatedDer_IsNoCertificate()
    {
        string truncated = Convert.ToBase64String(AppendixA.Der.AsSpan(0, AppendixA.Der.Length - 10));

        Assert.That(ForwardedCertificateDecoder.TryGetThumbprint(truncated, ForwardedCertificateFormat.Base64Der, out _), Is.False);
    }

    [Test]
    public void TryGetThumbprint_DerWithTrailingBytes_IsNoCertificate()
    {
        string padded = Convert.ToBase64String([.. AppendixA.Der, 0x30, 0x00]);

        Assert.That(ForwardedCertificateDecoder.TryGetThumbprint(padded, ForwardedCertificateFormat.Base64Der, out _), Is.False);
    }

    [Test]
    public void TryGetThumbprint_OverTheLengthLimit_IsNoCertificate()
    {
        string huge = AppendixA.Header("pem (newline separated)") + new string(' ', ForwardedCertificateDecoder.MaxHeaderLength);

        Assert.That(ForwardedCertificateDecoder.TryGetThumbprint(huge.TrimEnd() + "x" + new string('A', ForwardedCertificateDecoder.MaxHeaderLength), ForwardedCertificateFormat.Auto, out _), Is.False);
    }

    [Test]
    public void TryGetThumbprint_PemChain_UsesTheLeaf()
    {
        string chain = Support.Certificates.A.ExportCertificatePem() + "\n" + Support.Certificates.Directory.Certificate.ExportCertificatePem();
        string albChain = Uri.EscapeDataString(chain);

        Assert.That(ForwardedCertificateDecoder.TryGetThumbprint(albChain, ForwardedCertificateFormat.Auto, out CertificateThumbprint thumbprint), Is.True);
        Assert.That(thumbprint, Is.EqualTo(CertificateThumbprint.FromCertificate(Support.Certificates.A)));
    }

    [Test]
    public void TryGetThumbprint_TraefikCommaChain_UsesTheFirst()
    {
        string chain = Convert.ToBase64String(Support.Certificates.A.RawData) + "," + Convert.ToBase64String(Support.Certificates.Directory.Certificate.RawData);

        Assert.That(ForwardedCertificateDecoder.TryGetThumbprint(chain, ForwardedCertificateFormat.Auto, out CertificateThumbprint thumbprint), Is.True);
        Assert.That(thumbprint, Is.EqualTo(CertificateThumbprint.FromCertificate(Support.Certificates.A)));
    }

    [Test]
    public void TryGetThumbprint_XfccWithTwoElements_IsAmbiguous()
    {
        string one = AppendixA.Header("Envoy x-forwarded-client-cert");

        Assert.That(ForwardedCertificateDecoder.TryGetThumbprint(one + "," + one, ForwardedCertificateFormat.EnvoyXfcc, out _), Is.False);
    }

    [Test]
    public void TryGetThumbprint_XfccHashOnly_UsesTheHash()
    {
        string header = "By=spiffe://rs.test/api;Hash=" + AppendixA.Sha256Hex + ";URI=spiffe://client.test/a";

        Assert.That(ForwardedCertificateDecoder.TryGetThumbprint(header, ForwardedCertificateFormat.Auto, out CertificateThumbprint thumbprint), Is.True);
        Assert.That(thumbprint.ToString(), Is.EqualTo(AppendixA.Thumbprint));
    }

    [Test]
    public void TryGetThumbprint_XfccHashDisagreeingWithCert_IsNoCertificate()
    {
        string header = AppendixA.Header("Envoy x-forwarded-client-cert").Replace(AppendixA.Sha256Hex, new string('0', 64), StringComparison.Ordinal);

        Assert.That(ForwardedCertificateDecoder.TryGetThumbprint(header, ForwardedCertificateFormat.Auto, out _), Is.False);
    }

    [Test]
    public void TryGetThumbprint_DoesNotDependOnTheCertificateObject()
    {
        using X509Certificate2 parsed = X509Certificate2.CreateFromPem(AppendixA.Pem);
        Assert.That(ForwardedCertificateDecoder.TryGetThumbprint(AppendixA.Pem, ForwardedCertificateFormat.Pem, out CertificateThumbprint thumbprint), Is.True);

        Assert.That(thumbprint, Is.EqualTo(CertificateThumbprint.FromCertificate(parsed)));
    }
}
