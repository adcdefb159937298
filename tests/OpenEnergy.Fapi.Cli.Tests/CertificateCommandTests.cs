using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using OpenEnergy.Fapi.Testing;

namespace OpenEnergy.Fapi.Cli.Tests;

/// <summary><c>thumbprint</c>, <c>inspect</c> and <c>ca-bundle check</c>, each run as a process.</summary>
internal sealed class CertificateCommandTests
{
    private static readonly TestCertificateAuthority Directory = TestCertificateAuthority.Create("CLI Test Directory");
    private static readonly TestCertificateAuthority Other = TestCertificateAuthority.Create("Some Other CA");
    private string _folder = null!;

    [SetUp]
    public void CreateFolder() => System.IO.Directory.CreateDirectory(_folder = Path.Combine(Path.GetTempPath(), "oe-fapi-cli-" + Guid.NewGuid().ToString("N")));

    [TearDown]
    public void DeleteFolder() => System.IO.Directory.Delete(_folder, recursive: true);

    private string Write(string name, string content)
    {
        string path = Path.Combine(_folder, name);
        File.WriteAllText(path, content);
        return path;
    }

    private static string AppendixA => Path.Combine(AppContext.BaseDirectory, "Vectors", "rfc8705-appendix-a.pem");

    private static string ExpectedAppendixA => JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Vectors", "rfc8705-appendix-a.json"))).RootElement.GetProperty("x5t#S256").GetString()!;

    [Test]
    public async Task Thumbprint_OfTheRfc8705AppendixACertificate_IsItsVector()
    {
        OeFapi.Result result = await OeFapi.RunAsync(["thumbprint", AppendixA]);

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stdout, Is.EqualTo(ExpectedAppendixA + Environment.NewLine), "stdout carries the result alone");
    }

    [Test]
    public async Task Thumbprint_AsJson()
    {
        OeFapi.Result result = await OeFapi.RunAsync(["thumbprint", AppendixA, "--json"]);

        Assert.That(JsonDocument.Parse(result.Stdout).RootElement.GetProperty("x5t#S256").GetString(), Is.EqualTo(ExpectedAppendixA));
    }

    [Test]
    public async Task Thumbprint_FromStdin_InEveryFormANginxOrProxyForwards()
    {
        using var certificate = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Vectors", "rfc8705-appendix-a.json"))).RootElement.GetProperty("der_base64").GetString()!));
        string pem = certificate.ExportCertificatePem() + "\n";
        foreach (byte[] input in new[]
        {
            Encoding.ASCII.GetBytes(Uri.EscapeDataString(pem)),          // nginx $ssl_client_escaped_cert
            Encoding.ASCII.GetBytes(Convert.ToBase64String(certificate.RawData)), // X-ARR-ClientCert, X-Client-Cert
            Encoding.ASCII.GetBytes(pem),
            certificate.RawData,                                         // DER
        })
        {
            OeFapi.Result result = await OeFapi.RunAsync(["thumbprint", "-"], input);

            Assert.That(result.Stdout.Trim(), Is.EqualTo(ExpectedAppendixA), result.ToString());
        }
    }

    [Test]
    public async Task Thumbprint_OfAMissingFile_OrOfSomethingElse_IsAUsageError()
    {
        OeFapi.Result missing = await OeFapi.RunAsync(["thumbprint", Path.Combine(_folder, "nothing.pem")]);
        OeFapi.Result garbage = await OeFapi.RunAsync(["thumbprint", Write("garbage.pem", "not a certificate")]);

        Assert.That(missing.ExitCode, Is.EqualTo(2), missing.ToString());
        Assert.That(missing.Stderr, Does.Contain("does not exist"));
        Assert.That(missing.Stdout, Is.Empty);
        Assert.That(garbage.ExitCode, Is.EqualTo(2), garbage.ToString());
    }

    [Test]
    public async Task Inspect_ShowsTheIb1Roles_AndTheChain()
    {
        using X509Certificate2 certificate = Directory.IssueIb1ClientCertificate("consumer-1", ["reader", "auditor"], "https://directory.example/apps/1", "member-1");
        string path = Write("consumer.pem", certificate.ExportCertificatePem());
        string bundle = Write("ca.pem", Directory.Certificate.ExportCertificatePem());

        OeFapi.Result result = await OeFapi.RunAsync(["inspect", path, "--ca", bundle]);

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stdout, Does.Contain("reader, auditor").And.Contain("https://directory.example/apps/1").And.Contain("member-1"));
        Assert.That(result.Stdout, Does.Contain("chains to bundle").And.Contain("yes"));
        Assert.That(result.Stdout, Does.Contain(Fapi.Certificates.CertificateThumbprint.FromCertificate(certificate).ToString()));
    }

    [Test]
    public async Task Inspect_AsJson_AndNotChainingToTheBundle_IsExit1()
    {
        using X509Certificate2 certificate = Directory.IssueClientCertificate("consumer-2", "org-2");
        string path = Write("consumer.pem", certificate.ExportCertificatePem());
        string bundle = Write("other.pem", Other.Certificate.ExportCertificatePem());

        OeFapi.Result result = await OeFapi.RunAsync(["inspect", path, "--ca", bundle, "--json"]);

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        JsonElement json = JsonDocument.Parse(result.Stdout).RootElement;
        Assert.That(json.GetProperty("chainsToBundle").GetBoolean(), Is.False);
        Assert.That(json.GetProperty("keyType").GetString(), Does.StartWith("EC").Or.StartWith("RSA"));
        Assert.That(result.Stderr, Does.Contain("does not chain"));
    }

    [Test]
    public async Task Inspect_AnExpiredCertificate_IsExit1_AndOneExpiringSoon_IsAWarning()
    {
        using X509Certificate2 expired = Directory.IssueClientCertificate("old", "org", DateTimeOffset.UtcNow.AddDays(-30), DateTimeOffset.UtcNow.AddDays(-1));
        using X509Certificate2 soon = Directory.IssueClientCertificate("soon", "org", DateTimeOffset.UtcNow.AddDays(-30), DateTimeOffset.UtcNow.AddDays(10));

        OeFapi.Result old = await OeFapi.RunAsync(["inspect", Write("old.pem", expired.ExportCertificatePem())]);
        OeFapi.Result renew = await OeFapi.RunAsync(["inspect", Write("soon.pem", soon.ExportCertificatePem())]);

        Assert.That(old.ExitCode, Is.EqualTo(1), old.ToString());
        Assert.That(old.Stderr, Does.Contain("expired"));
        Assert.That(renew.ExitCode, Is.Zero, renew.ToString());
        Assert.That(renew.Stderr, Does.Contain("warning").And.Contain("expires in"));
    }

    [Test]
    public async Task CaBundleCheck_AGoodBundle_IsExit0()
    {
        string bundle = Write("ca.pem", Directory.Certificate.ExportCertificatePem() + "\n" + Other.Certificate.ExportCertificatePem());

        OeFapi.Result result = await OeFapi.RunAsync(["ca-bundle", "check", bundle, "--json"]);

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        JsonElement rows = JsonDocument.Parse(result.Stdout).RootElement;
        Assert.That(rows.GetArrayLength(), Is.EqualTo(2));
        Assert.That(rows[0].GetProperty("sha256").GetString(), Has.Length.EqualTo(64));
        Assert.That(rows.EnumerateArray().All(r => r.GetProperty("certificateAuthority").GetBoolean()), Is.True);
    }

    [Test]
    public async Task CaBundleCheck_ALeafAmongTheCas_IsAWarning_NamingIt()
    {
        using X509Certificate2 leaf = Directory.IssueClientCertificate("not-a-ca", "org");
        string bundle = Write("mixed.pem", Directory.Certificate.ExportCertificatePem() + "\n" + leaf.ExportCertificatePem());

        OeFapi.Result result = await OeFapi.RunAsync(["ca-bundle", "check", bundle]);

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stderr, Does.Contain("warning").And.Contain("not-a-ca").And.Contain("is not a CA certificate"));
        Assert.That(result.Stdout, Does.Contain("CLI Test Directory"));
    }

    [Test]
    public async Task CaBundleCheck_AnExpiredCertificateInTheBundle_IsExit1()
    {
        using X509Certificate2 expired = Directory.IssueClientCertificate("long-gone", "org", DateTimeOffset.UtcNow.AddDays(-60), DateTimeOffset.UtcNow.AddDays(-2));
        string bundle = Write("stale.pem", Directory.Certificate.ExportCertificatePem() + "\n" + expired.ExportCertificatePem());

        OeFapi.Result result = await OeFapi.RunAsync(["ca-bundle", "check", bundle, "--json"]);

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.Stderr, Does.Contain("long-gone").And.Contain("expired on"));
        Assert.That(JsonDocument.Parse(result.Stdout).RootElement[1].GetProperty("expired").GetBoolean(), Is.True);
    }

    [Test]
    public async Task CaBundleCheck_OfAFileWithoutCertificates_IsAUsageError()
    {
        OeFapi.Result result = await OeFapi.RunAsync(["ca-bundle", "check", Write("empty.pem", "nothing here\n")]);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
    }
}
