using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenEnergy.Fapi.Configuration;
using OpenEnergy.Fapi.Testing;
using static OpenEnergy.Fapi.Tests.Support.Certificates;

namespace OpenEnergy.Fapi.Tests.Configuration;

/// <summary>Start-up validation: every mistake stops the provider with a message naming the key and the fix.</summary>
public class FapiOptionsValidationTests
{
    private string _directory = null!;
    private string _certificatePath = null!;
    private string _keyPath = null!;

    [SetUp]
    public void WriteKeyMaterial()
    {
        _directory = Path.Combine(Path.GetTempPath(), "oe-fapi-options-" + Guid.NewGuid().ToString("N"));
        (_certificatePath, _keyPath) = TestCertificateAuthority.WritePemFiles(Provider, _directory, "provider");
    }

    [TearDown]
    public void DeleteKeyMaterial() => System.IO.Directory.Delete(_directory, recursive: true);

    private Dictionary<string, string?> ValidSettings() => new()
    {
        ["OpenEnergy:Fapi:Issuer"] = "https://matls-auth.directory.example/",
        ["OpenEnergy:Fapi:ClientId"] = "provider-client",
        ["OpenEnergy:Fapi:CertificatePath"] = _certificatePath,
        ["OpenEnergy:Fapi:PrivateKeyPath"] = _keyPath,
    };

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddOpenEnergyFapi(configuration.GetSection(FapiOptions.SectionName)).BuildServiceProvider();
    }

    private static string FailureOf(Dictionary<string, string?> settings)
    {
        using ServiceProvider services = Build(settings);
        OptionsValidationException ex = Assert.Throws<OptionsValidationException>(() => _ = services.GetRequiredService<IOptions<FapiOptions>>().Value)!;
        return ex.Message;
    }

    [Test]
    public void ValidConfiguration_BindsEveryKey()
    {
        Dictionary<string, string?> settings = ValidSettings();
        settings["OpenEnergy:Fapi:CacheDuration"] = "00:00:30";
        settings["OpenEnergy:Fapi:InactiveCacheDuration"] = "00:00:02";
        settings["OpenEnergy:Fapi:ClockSkew"] = "00:00:05";
        settings["OpenEnergy:Fapi:CacheSizeLimit"] = "500";
        settings["OpenEnergy:Fapi:Realm"] = "oe";
        settings["OpenEnergy:Fapi:ClientCertificateHeader"] = "X-OE-CLIENT-CERT";
        settings["OpenEnergy:Fapi:TrustedProxies:0"] = "10.0.0.0/8";
        settings["OpenEnergy:Fapi:TrustedProxies:1"] = "192.0.2.7";
        using ServiceProvider services = Build(settings);

        FapiOptions options = services.GetRequiredService<IOptions<FapiOptions>>().Value;

        Assert.That(options.ClientId, Is.EqualTo("provider-client"));
        Assert.That(options.CacheDuration, Is.EqualTo(TimeSpan.FromSeconds(30)));
        Assert.That(options.InactiveCacheDuration, Is.EqualTo(TimeSpan.FromSeconds(2)));
        Assert.That(options.ClockSkew, Is.EqualTo(TimeSpan.FromSeconds(5)));
        Assert.That(options.CacheSizeLimit, Is.EqualTo(500));
        Assert.That(options.Realm, Is.EqualTo("oe"));
        Assert.That(options.TrustedProxies, Is.EqualTo(new[] { "10.0.0.0/8", "192.0.2.7" }));
    }

    [Test]
    public void Defaults_AreTheDocumentedOnes()
    {
        var options = new FapiOptions();

        Assert.That(options.CacheDuration, Is.EqualTo(TimeSpan.FromSeconds(60)));
        Assert.That(options.InactiveCacheDuration, Is.EqualTo(TimeSpan.FromSeconds(5)));
        Assert.That(options.ClockSkew, Is.EqualTo(TimeSpan.FromSeconds(10)));
        Assert.That(options.CacheSizeLimit, Is.EqualTo(100_000));
        Assert.That(options.IntrospectionTimeout, Is.EqualTo(TimeSpan.FromSeconds(5)));
        Assert.That(options.Realm, Is.EqualTo("open-energy"));
        Assert.That(options.ClientCertificateHeader, Is.Null);
        Assert.That(options.TrustedProxies, Is.Empty);
    }

    [Test]
    public void MissingIssuer_NamesTheKey()
    {
        Dictionary<string, string?> settings = ValidSettings();
        settings.Remove("OpenEnergy:Fapi:Issuer");

        Assert.That(FailureOf(settings), Does.Contain("OpenEnergy:Fapi:Issuer is required"));
    }

    [Test]
    public void HttpIssuer_IsRefused_UnlessAllowedForTests()
    {
        Dictionary<string, string?> settings = ValidSettings();
        settings["OpenEnergy:Fapi:Issuer"] = "http://auth.example/";

        Assert.That(FailureOf(settings), Does.Contain("uses http"));

        settings["OpenEnergy:Fapi:AllowInsecureHttp"] = "true";
        using ServiceProvider services = Build(settings);
        Assert.That(services.GetRequiredService<IOptions<FapiOptions>>().Value.AllowInsecureHttp, Is.True);
    }

    [Test]
    public void MissingClientId_NamesTheKey()
    {
        Dictionary<string, string?> settings = ValidSettings();
        settings.Remove("OpenEnergy:Fapi:ClientId");

        Assert.That(FailureOf(settings), Does.Contain("OpenEnergy:Fapi:ClientId is required"));
    }

    [Test]
    public void MissingCertificateFile_NamesThePath()
    {
        Dictionary<string, string?> settings = ValidSettings();
        settings["OpenEnergy:Fapi:CertificatePath"] = Path.Combine(_directory, "nope.pem");

        Assert.That(FailureOf(settings), Does.Contain("CertificatePath").And.Contain("nope.pem").And.Contain("does not exist"));
    }

    [Test]
    public void KeyOfAnotherCertificate_IsRefused()
    {
        (_, string otherKey) = TestCertificateAuthority.WritePemFiles(A, _directory, "other");
        Dictionary<string, string?> settings = ValidSettings();
        settings["OpenEnergy:Fapi:PrivateKeyPath"] = otherKey;

        Assert.That(FailureOf(settings), Does.Contain("key belongs to the certificate"));
    }

    [Test]
    public void EncryptedKey_LoadsWithItsPassword()
    {
        using ECDsa key = Provider.GetECDsaPrivateKey()!;
        string encrypted = Path.Combine(_directory, "encrypted.key.pem");
        File.WriteAllText(encrypted, key.ExportEncryptedPkcs8PrivateKeyPem("s3cret", new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 100_000)));
        Dictionary<string, string?> settings = ValidSettings();
        settings["OpenEnergy:Fapi:PrivateKeyPath"] = encrypted;

        Assert.That(FailureOf(settings), Does.Contain("PrivateKeyPassword"));

        settings["OpenEnergy:Fapi:PrivateKeyPassword"] = "s3cret";
        using ServiceProvider services = Build(settings);
        Assert.That(services.GetRequiredService<IOptions<FapiOptions>>().Value.PrivateKeyPassword, Is.EqualTo("s3cret"));
    }

    [Test]
    public void CaBundleThatIsNotPem_IsRefused()
    {
        string bogus = Path.Combine(_directory, "ca.pem");
        File.WriteAllText(bogus, "hello");
        Dictionary<string, string?> settings = ValidSettings();
        settings["OpenEnergy:Fapi:AuthorizationServerCaPath"] = bogus;

        Assert.That(FailureOf(settings), Does.Contain("AuthorizationServerCaPath"));
    }

    [TestCase("CacheDuration", "-00:00:01")]
    [TestCase("InactiveCacheDuration", "00:00:00")]
    [TestCase("IntrospectionTimeout", "00:00:00")]
    [TestCase("ClockSkew", "01:00:00")]
    [TestCase("CacheSizeLimit", "0")]
    [TestCase("Realm", "a\"b")]
    [TestCase("ClientCertificateHeader", "X OE")]
    [TestCase("TrustedProxies:0", "not-an-address")]
    [TestCase("CertificateReloadInterval", "00:00:00")]
    [TestCase("CertificateReloadInterval", "2.00:00:00")]
    [TestCase("HealthProbeInterval", "-00:00:01")]
    [TestCase("HealthProbeInterval", "30.00:00:00")]
    [TestCase("HealthCertificateExpiryWarning", "00:00:00")]
    [TestCase("IntrospectionQueueTimeout", "00:00:00")]
    [TestCase("IntrospectionQueueTimeout", "00:01:00.001")]
    public void OutOfRangeSetting_NamesTheKey(string key, string value)
    {
        Dictionary<string, string?> settings = ValidSettings();
        settings["OpenEnergy:Fapi:" + key] = value;

        Assert.That(FailureOf(settings), Does.Contain("OpenEnergy:Fapi:" + key.Split(':')[0]));
    }

    [Test]
    public void Validation_RunsAtStartUp()
    {
        Dictionary<string, string?> settings = ValidSettings();
        settings.Remove("OpenEnergy:Fapi:ClientId");
        using ServiceProvider services = Build(settings);

        IStartupValidator validator = services.GetRequiredService<IStartupValidator>();

        Assert.That(validator.Validate, Throws.InstanceOf<OptionsValidationException>());
    }

    [Test]
    public void CertificateInCode_NeedsItsPrivateKey()
    {
        using var publicOnly = X509CertificateLoader.LoadCertificate(Provider.RawData);
        using ServiceProvider services = new ServiceCollection().AddOpenEnergyFapi(o =>
        {
            o.Issuer = "https://auth.example/";
            o.ClientId = "x";
            o.ClientCertificate = publicOnly;
        }).BuildServiceProvider();

        Assert.That(() => services.GetRequiredService<IOptions<FapiOptions>>().Value, Throws.InstanceOf<OptionsValidationException>().With.Message.Contains("no private key"));
    }

    [TestCase("0.0.0.0/0", "every IPv4 address")]
    [TestCase("::/0", "every IPv6 address")]
    [TestCase("::ffff:0.0.0.0/96", "every IPv4 address")]
    [TestCase("10.0.0.1/8", "host bits set")]
    [TestCase("2001:db8::1/32", "host bits set")]
    [TestCase("10.0.0.0/33", "neither an IP address nor a CIDR range")]
    public void TrustedProxyEntry_ThatIsTooWideOrHasHostBits_StopsStartUp(string entry, string expected)
    {
        Dictionary<string, string?> settings = ValidSettings();
        settings["OpenEnergy:Fapi:TrustedProxies:0"] = "192.0.2.7";
        settings["OpenEnergy:Fapi:TrustedProxies:1"] = entry;

        Assert.That(FailureOf(settings), Does.Contain("OpenEnergy:Fapi:TrustedProxies").And.Contain(entry).And.Contain(expected));
    }

    [TestCase("10.0.0.0/8")]
    [TestCase("::ffff:10.0.0.0/104")]
    [TestCase("2001:db8::/32")]
    [TestCase("192.0.2.7")]
    public void TrustedProxyEntry_ThatIsARange_IsAccepted(string entry)
    {
        Dictionary<string, string?> settings = ValidSettings();
        settings["OpenEnergy:Fapi:TrustedProxies:0"] = entry;
        using ServiceProvider services = Build(settings);

        Assert.That(services.GetRequiredService<IOptions<FapiOptions>>().Value.TrustedProxies, Is.EqualTo(new[] { entry }));
    }

    [TestCase("8000")]
    [TestCase("40000")]
    public void MaxForwardedCertificateHeaderLength_OutsideSixteenToThirtyTwoKiB_StopsStartUp(string value)
    {
        Dictionary<string, string?> settings = ValidSettings();
        settings["OpenEnergy:Fapi:MaxForwardedCertificateHeaderLength"] = value;

        Assert.That(FailureOf(settings), Does.Contain("MaxForwardedCertificateHeaderLength must be between 16384").And.Contain("32768"));
    }

    [Test]
    public void MaxConcurrentIntrospectionsPerClient_BelowOne_StopsStartUp()
    {
        Dictionary<string, string?> settings = ValidSettings();
        settings["OpenEnergy:Fapi:MaxConcurrentIntrospectionsPerClient"] = "0";

        Assert.That(FailureOf(settings), Does.Contain("MaxConcurrentIntrospectionsPerClient must be at least 1"));
    }

    [Test]
    public void BundleOnlyTrust_WithoutABundle_StopsStartUp()
    {
        Dictionary<string, string?> settings = ValidSettings();
        settings["OpenEnergy:Fapi:AuthorizationServerTrust"] = "BundleOnly";

        Assert.That(FailureOf(settings), Does.Contain("AuthorizationServerTrust is BundleOnly").And.Contain("AuthorizationServerCaPath"));
    }

    [Test]
    public void NewLimits_HaveTheDocumentedDefaults()
    {
        var options = new FapiOptions();

        Assert.That(options.MaxForwardedCertificateHeaderLength, Is.EqualTo(32_768));
        Assert.That(options.MaxConcurrentIntrospectionsPerClient, Is.EqualTo(8));
        Assert.That(options.AuthorizationServerTrust, Is.EqualTo(AuthorizationServerTrust.SystemAndBundle));
    }
}
