using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenEnergy.Fapi.Configuration;
using OpenEnergy.Fapi.Testing;
using OpenEnergy.Fapi.Tests.Support;

namespace OpenEnergy.Fapi.Tests.Configuration;

/// <summary>Start-up validation of the JWT and signed-introspection settings.</summary>
public class SignedTokenOptionsValidationTests : ProviderSettingsFixture
{
    private FapiOptions Bind(params (string Key, string Value)[] settings)
    {
        foreach ((string key, string value) in settings)
        {
            Settings["OpenEnergy:Fapi:" + key] = value;
        }

        using ServiceProvider services = new ServiceCollection().AddOpenEnergyFapi(Section()).BuildServiceProvider();
        return services.GetRequiredService<IOptions<FapiOptions>>().Value;
    }

    private string FailureOf(params (string Key, string Value)[] settings)
        => Assert.Throws<OptionsValidationException>(() => Bind(settings))!.Message;

    [Test]
    public void Defaults_AreOpaqueTokens_JsonIntrospection_Ps256AndEs256()
    {
        FapiOptions options = Bind();

        Assert.That(options.EffectiveAccessTokenFormat, Is.EqualTo(AccessTokenFormat.Opaque));
        Assert.That(options.IntrospectionResponseFormat, Is.EqualTo(IntrospectionResponseFormat.Json));
        Assert.That(options.EffectiveSigningAlgorithms, Is.EqualTo(new[] { "PS256", "ES256" }));
        Assert.That(options.JwksRefreshInterval, Is.EqualTo(TimeSpan.FromSeconds(30)));
        Assert.That(options.JwksAutomaticRefreshInterval, Is.EqualTo(TimeSpan.FromHours(1)));
        Assert.That(options.IntrospectionResponseMaxAge, Is.EqualTo(TimeSpan.FromSeconds(60)));
        Assert.That(options.ValidateAudience, Is.True);
        Assert.That(options.RequireAccessTokenType, Is.True);
    }

    [Test]
    public void EveryKey_Binds()
    {
        FapiOptions options = Bind(
            ("AccessTokenFormat", "Jwt"),
            ("Audience", "https://provider.example"),
            ("RequireAccessTokenType", "false"),
            ("AllowedSigningAlgorithms:0", "RS256"),
            ("JwksRefreshInterval", "00:00:10"),
            ("JwksAutomaticRefreshInterval", "00:30:00"),
            ("IntrospectionResponseFormat", "Jwt"),
            ("IntrospectionResponseMaxAge", "00:00:20"));

        Assert.That(options.EffectiveAccessTokenFormat, Is.EqualTo(AccessTokenFormat.Jwt));
        Assert.That(options.Audience, Is.EqualTo("https://provider.example"));
        Assert.That(options.RequireAccessTokenType, Is.False);
        Assert.That(options.EffectiveSigningAlgorithms, Is.EqualTo(new[] { "RS256" }), "a configured list replaces the default");
        Assert.That(options.JwksRefreshInterval, Is.EqualTo(TimeSpan.FromSeconds(10)));
        Assert.That(options.JwksAutomaticRefreshInterval, Is.EqualTo(TimeSpan.FromMinutes(30)));
        Assert.That(options.IntrospectionResponseFormat, Is.EqualTo(IntrospectionResponseFormat.Jwt));
        Assert.That(options.IntrospectionResponseMaxAge, Is.EqualTo(TimeSpan.FromSeconds(20)));
    }

    [Test]
    public void Ib1Profile_SetsAuto_AndAnExplicitFormatWins()
    {
        Assert.That(Bind(("Profile", "Ib1"), ("Audience", "https://provider.example")).EffectiveAccessTokenFormat, Is.EqualTo(AccessTokenFormat.Auto));
        Assert.That(Bind(("Profile", "Ib1"), ("AccessTokenFormat", "Opaque")).EffectiveAccessTokenFormat, Is.EqualTo(AccessTokenFormat.Opaque));
    }

    [TestCase("Jwt")]
    [TestCase("Auto")]
    public void JwtFormats_WithoutAudience_StopStartUp(string format)
    {
        string message = FailureOf(("AccessTokenFormat", format));

        Assert.That(message, Does.Contain("OpenEnergy:Fapi:Audience is required"));
        Assert.That(message, Does.Contain("ValidateAudience"));
    }

    [Test]
    public void Ib1Profile_WithoutAudience_StopsStartUp_NamingTheProfile()
    {
        Assert.That(FailureOf(("Profile", "Ib1")), Does.Contain("the Ib1 profile's default"));
    }

    [Test]
    public void AudienceValidationOff_NeedsNoAudience()
    {
        Assert.That(Bind(("AccessTokenFormat", "Jwt"), ("ValidateAudience", "false")).ValidateAudience, Is.False);
    }

    [TestCase("none", "unsigned")]
    [TestCase("HS256", "shared-secret")]
    [TestCase("HS512", "shared-secret")]
    [TestCase("EdDSA", "not supported")]
    [TestCase("ps256", "did you mean PS256")]
    [TestCase("RSA-OAEP", "choose from")]
    public void ForbiddenOrUnknownAlgorithm_StopsStartUp(string algorithm, string explanation)
    {
        string message = FailureOf(("AllowedSigningAlgorithms:0", "PS256"), ("AllowedSigningAlgorithms:1", algorithm));

        Assert.That(message, Does.Contain("OpenEnergy:Fapi:AllowedSigningAlgorithms:1"));
        Assert.That(message, Does.Contain(explanation));
    }

    [Test]
    public void JwksRefreshInterval_UnderASecond_StopsStartUp()
    {
        Assert.That(FailureOf(("JwksRefreshInterval", "00:00:00.500")), Does.Contain("OpenEnergy:Fapi:JwksRefreshInterval must be at least 1 second"));
    }

    [TestCase("JwksAutomaticRefreshInterval")]
    [TestCase("IntrospectionResponseMaxAge")]
    public void NonPositiveInterval_StopsStartUp(string key)
    {
        Assert.That(FailureOf((key, "00:00:00")), Does.Contain($"OpenEnergy:Fapi:{key} must be positive"));
    }

    [Test]
    public void UnknownFormats_StopStartUp()
    {
        Assert.That(FailureOf(("AccessTokenFormat", "5")), Does.Contain("AccessTokenFormat must be Opaque, Jwt or Auto"));
        Assert.That(FailureOf(("IntrospectionResponseFormat", "7")), Does.Contain("IntrospectionResponseFormat must be Json or Jwt"));
    }
}
