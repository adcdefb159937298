using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.OpenSsl;
using Org.BouncyCastle.Security;

namespace OpenEnergy.Fapi.Cli.Tests;

/// <summary><c>keygen</c> and <c>key convert</c>, run as processes: files, their modes, and what openssl and .NET make of them.</summary>
[UnsupportedOSPlatform("windows")]
internal sealed class KeyCommandTests
{
    private string _folder = null!;

    [SetUp]
    public void CreateFolder() => Directory.CreateDirectory(_folder = Path.Combine(Path.GetTempPath(), "oe-fapi-cli-" + Guid.NewGuid().ToString("N")));

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    [TestCase(false)]
    [TestCase(true)]
    public async Task Keygen_WritesAPrivateKey0600_AndACsrInTheDirectorysShape(bool ec)
    {
        string[] arguments = ["keygen", "--out", _folder, "--organisation", "Acme Energy Ltd", "--org-id", "0015800001041RHAAY", "--software-id", "4ZHXR5dXDSCgJ9ihx5iBm4", .. ec ? new[] { "--ec" } : []];

        OeFapi.Result result = await OeFapi.RunAsync(arguments);

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        string key = Path.Combine(_folder, "4ZHXR5dXDSCgJ9ihx5iBm4.key");
        string csr = Path.Combine(_folder, "4ZHXR5dXDSCgJ9ihx5iBm4.csr");
        Assert.That(result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[] { key, csr }));
        Assert.That(File.GetUnixFileMode(key), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        Assert.That(result.Stderr, Does.Contain("Next: upload"));

        CertificateRequest request = CertificateRequest.LoadSigningRequestPem(File.ReadAllText(csr), HashAlgorithmName.SHA256);
        Assert.That(request.SubjectName.Decode(X500DistinguishedNameFlags.None), Is.EqualTo("C=UK, O=Acme Energy Ltd, OU=0015800001041RHAAY, CN=4ZHXR5dXDSCgJ9ihx5iBm4"));
        using AsymmetricAlgorithm privateKey = ec ? ECDsa.Create() : RSA.Create();
        privateKey.ImportFromPem(File.ReadAllText(key));
        Assert.That(privateKey.KeySize, Is.EqualTo(ec ? 256 : 2048));

        if (File.Exists("/usr/bin/openssl"))
        {
            (int verified, string output) = await Repository.RunAsync("openssl", ["req", "-in", csr, "-noout", "-verify", "-subject"], _folder, TimeSpan.FromSeconds(30));
            Assert.That(verified, Is.Zero, output);
            Assert.That(output, Does.Contain("verify OK").And.Contain("C = UK, O = Acme Energy Ltd, OU = 0015800001041RHAAY, CN = 4ZHXR5dXDSCgJ9ihx5iBm4"));
        }
    }

    [Test]
    public async Task Keygen_NeverOverwritesAKey()
    {
        string[] arguments = ["keygen", "--out", _folder, "--organisation", "A", "--org-id", "B", "--software-id", "C"];
        Assert.That((await OeFapi.RunAsync(arguments)).ExitCode, Is.Zero);
        string before = File.ReadAllText(Path.Combine(_folder, "C.key"));

        OeFapi.Result again = await OeFapi.RunAsync(arguments);

        Assert.That(again.ExitCode, Is.EqualTo(2), again.ToString());
        Assert.That(again.Stderr, Does.Contain("already exists"));
        Assert.That(File.ReadAllText(Path.Combine(_folder, "C.key")), Is.EqualTo(before));
    }

    private string LegacyEncryptedKey(string password, bool ec = false)
    {
        var random = new SecureRandom();
        IAsymmetricCipherKeyPairGenerator generator = ec ? new ECKeyPairGenerator() : new RsaKeyPairGenerator();
        generator.Init(ec
            ? new Org.BouncyCastle.Crypto.Parameters.ECKeyGenerationParameters(Org.BouncyCastle.Asn1.Sec.SecObjectIdentifiers.SecP256r1, random)
            : new KeyGenerationParameters(random, 2048));
        AsymmetricCipherKeyPair pair = generator.GenerateKeyPair();
        using var text = new StringWriter();
        var writer = new PemWriter(text);
        // What `openssl genrsa -traditional -aes256` writes: Proc-Type: 4,ENCRYPTED and DEK-Info.
        writer.WriteObject(new MiscPemGenerator(pair.Private, "AES-256-CBC", password.ToCharArray(), random));
        writer.Writer.Flush();
        string path = Path.Combine(_folder, "legacy.key");
        File.WriteAllText(path, text.ToString());
        Assert.That(text.ToString(), Does.Contain("Proc-Type: 4,ENCRYPTED"));
        return path;
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task KeyConvert_ALegacyEncryptedKey_BecomesEncryptedPkcs8WithTheSamePassword(bool ec)
    {
        string legacy = LegacyEncryptedKey("s3cret pass", ec);
        string converted = Path.Combine(_folder, "converted.key");

        OeFapi.Result result = await OeFapi.RunAsync(["key", "convert", legacy, converted, "--key-password", "s3cret pass"]);

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(File.GetUnixFileMode(converted), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        string pem = File.ReadAllText(converted);
        Assert.That(pem, Does.StartWith("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
        using AsymmetricAlgorithm key = ec ? ECDsa.Create() : RSA.Create();
        key.ImportFromEncryptedPem(pem, "s3cret pass");
        Assert.That(key.KeySize, Is.EqualTo(ec ? 256 : 2048));
    }

    [Test]
    public async Task KeyConvert_TakesThePasswordFromTheEnvironment_AndCanWriteItUnencrypted()
    {
        string legacy = LegacyEncryptedKey("from-env");
        string converted = Path.Combine(_folder, "plain.key");

        OeFapi.Result result = await OeFapi.RunAsync(["key", "convert", legacy, converted, "--no-encrypt"], environment: new Dictionary<string, string> { ["OE_FAPI_KEY_PASSWORD"] = "from-env" });

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(File.ReadAllText(converted), Does.StartWith("-----BEGIN PRIVATE KEY-----"));
        Assert.That(File.GetUnixFileMode(converted), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
    }

    [Test]
    public async Task KeyConvert_WithTheWrongPassword_IsExit1_AndWritesNothing()
    {
        string legacy = LegacyEncryptedKey("right");
        string converted = Path.Combine(_folder, "converted.key");

        OeFapi.Result result = await OeFapi.RunAsync(["key", "convert", legacy, converted, "--key-password", "Xyzzy-917"]);

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(File.Exists(converted), Is.False);
        Assert.That(result.Stderr, Does.Not.Contain("Xyzzy-917"), "the password is never echoed");
    }
}
