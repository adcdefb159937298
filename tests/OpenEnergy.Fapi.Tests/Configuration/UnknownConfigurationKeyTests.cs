using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using OpenEnergy.Fapi.Tests.Support;
using OpenEnergy.Fapi.Validation;

namespace OpenEnergy.Fapi.Tests.Configuration;

/// <summary>A key under <c>OpenEnergy:Fapi</c> that no option reads is said at start-up, with the key it was probably meant to be.</summary>
public class UnknownConfigurationKeyTests : ProviderSettingsFixture
{
    private List<FakeLogRecord> Warnings()
    {
        var logs = new FakeLogCollector();
        using ServiceProvider services = new ServiceCollection()
            .AddLogging(b => b.AddProvider(new FakeLoggerProvider(logs)))
            .AddOpenEnergyFapi(Section())
            .BuildServiceProvider();
        _ = services.GetRequiredService<IFapiValidator>();
        return [.. logs.GetSnapshot().Where(r => r.Level == LogLevel.Warning)];
    }

    [Test]
    public void MistypedKey_IsAWarning_NamingTheClosestKey()
    {
        Settings["OpenEnergy:Fapi:ClientCertficateHeader"] = "X-OE-CLIENT-CERT";

        List<FakeLogRecord> warnings = Warnings();

        Assert.That(warnings.Select(w => w.Message), Has.One.EqualTo("The configuration key OpenEnergy:Fapi:ClientCertficateHeader is not read by any option and is ignored: did you mean OpenEnergy:Fapi:ClientCertificateHeader?"));
    }

    [Test]
    public void MistypedNestedKey_IsAWarning_Too()
    {
        Settings["OpenEnergy:Fapi:SharedCache:KeyPrefx"] = "x:";

        Assert.That(Warnings().Select(w => w.Message), Has.One.Contains("OpenEnergy:Fapi:SharedCache:KeyPrefx").And.Contains("did you mean OpenEnergy:Fapi:SharedCache:KeyPrefix?"));
    }

    [Test]
    public void KeyLikeNoOption_IsAWarning_WithoutASuggestion()
    {
        Settings["OpenEnergy:Fapi:Banana"] = "yellow";

        Assert.That(Warnings().Select(w => w.Message), Has.One.EqualTo("The configuration key OpenEnergy:Fapi:Banana is not read by any option and is ignored"));
    }

    [Test]
    public void KnownKeys_InAnyCase_AndListEntries_AreNotWarnedAbout()
    {
        Settings["OpenEnergy:Fapi:clientcertificateheader"] = "X-OE-CLIENT-CERT";
        Settings["OpenEnergy:Fapi:AcceptedRoles:0"] = "reader";
        Settings["OpenEnergy:Fapi:TrustedProxies:0"] = "10.0.0.0/8";
        Settings["OpenEnergy:Fapi:SharedCache:KeyPrefix"] = "x:";
        Settings["OpenEnergy:Fapi:AllowedSigningAlgorithms:0"] = "PS256";

        Assert.That(Warnings().Where(w => w.Message.Contains("not read by any option", StringComparison.Ordinal)), Is.Empty);
    }
}
