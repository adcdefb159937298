using Microsoft.Extensions.Options;
using OpenEnergy.Fapi.SampleProvider.Tests.Support;

namespace OpenEnergy.Fapi.Client.Tests;

/// <summary>A client's settings at start-up: every mistake stops the application with a message naming the key.</summary>
internal sealed class OptionsValidationTests : ConsumerFixture
{
    private string FailureOf(Action<Dictionary<string, string?>> change)
    {
        Dictionary<string, string?> settings = Settings(SampleHost.A);
        change(settings);
        return Assert.Throws<OptionsValidationException>(() => Build(settings))!.Message;
    }

    [TestCase("Issuer", "OpenEnergy:FapiClient:Issuer is required")]
    [TestCase("ClientId", "OpenEnergy:FapiClient:ClientId is required")]
    [TestCase("CertificatePath", "OpenEnergy:FapiClient:CertificatePath is required")]
    [TestCase("PrivateKeyPath", "OpenEnergy:FapiClient:PrivateKeyPath is required")]
    public void MissingSetting_StopsStartUp_NamingTheKey(string key, string message)
    {
        string failure = FailureOf(s => s.Remove("OpenEnergy:FapiClient:" + key));

        Assert.That(failure, Does.Contain(message).And.Contain("client 'energy'"));
    }

    [TestCase("Issuer", "http://auth.example/", "is not an absolute https URL")]
    [TestCase("CertificatePath", "/nonexistent/consumer.pem", "does not exist")]
    [TestCase("ProviderCaPath", "/nonexistent/ca.pem", "OpenEnergy:FapiClient:ProviderCaPath")]
    [TestCase("Scopes:0", "two words", "is not a scope token")]
    [TestCase("Timeout", "00:00:00", "Timeout must be positive")]
    [TestCase("RetryCount", "11", "RetryCount must be between 0 and 10")]
    public void WrongSetting_StopsStartUp_WithTheFix(string key, string value, string message)
    {
        Assert.That(FailureOf(s => s["OpenEnergy:FapiClient:" + key] = value), Does.Contain(message));
    }

    [Test]
    public void KeyOfAnotherCertificate_StopsStartUp()
    {
        string failure = FailureOf(s => s["OpenEnergy:FapiClient:CertificatePath"] = Settings(SampleHost.B)["OpenEnergy:FapiClient:CertificatePath"]);

        Assert.That(failure, Does.Contain("cannot load"));
    }
}
