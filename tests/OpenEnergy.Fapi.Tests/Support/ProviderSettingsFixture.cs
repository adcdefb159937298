using Microsoft.Extensions.Configuration;
using OpenEnergy.Fapi.Testing;
using static OpenEnergy.Fapi.Tests.Support.Certificates;

namespace OpenEnergy.Fapi.Tests.Support;

/// <summary>Base for start-up validation tests: valid provider settings, with the key material written to a temporary folder.</summary>
public abstract class ProviderSettingsFixture
{
    private string _directory = null!;

    /// <summary>Settings that pass validation; tests add or change keys.</summary>
    protected Dictionary<string, string?> Settings { get; private set; } = null!;

    [SetUp]
    public void WriteKeyMaterial()
    {
        _directory = Path.Combine(Path.GetTempPath(), "oe-fapi-settings-" + Guid.NewGuid().ToString("N"));
        (string certificatePath, string keyPath) = TestCertificateAuthority.WritePemFiles(Provider, _directory, "provider");
        Settings = new()
        {
            ["OpenEnergy:Fapi:Issuer"] = "https://matls-auth.directory.example/",
            ["OpenEnergy:Fapi:ClientId"] = "provider-client",
            ["OpenEnergy:Fapi:CertificatePath"] = certificatePath,
            ["OpenEnergy:Fapi:PrivateKeyPath"] = keyPath,
        };
    }

    [TearDown]
    public void DeleteKeyMaterial() => System.IO.Directory.Delete(_directory, recursive: true);

    /// <summary>The <c>OpenEnergy:Fapi</c> section of <see cref="Settings"/>.</summary>
    protected IConfigurationSection Section() => new ConfigurationBuilder().AddInMemoryCollection(Settings).Build().GetSection(Fapi.Configuration.FapiOptions.SectionName);
}
