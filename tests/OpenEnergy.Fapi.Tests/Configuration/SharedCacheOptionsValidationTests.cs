using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenEnergy.Fapi.Configuration;
using OpenEnergy.Fapi.Testing;
using OpenEnergy.Fapi.Tests.Support;

namespace OpenEnergy.Fapi.Tests.Configuration;

/// <summary>The shared cache's settings at start-up: a key is required, a Redis setting is never silently ignored.</summary>
public class SharedCacheOptionsValidationTests : ProviderSettingsFixture
{
    private ServiceProvider Build(bool redis)
    {
        IServiceCollection services = new ServiceCollection().AddOpenEnergyFapi(Section());
        if (redis)
        {
            services.AddRedisSharedCache();
        }

        return services.BuildServiceProvider();
    }

    private string FailureOf(bool redis)
    {
        using ServiceProvider services = Build(redis);
        OptionsValidationException ex = Assert.Throws<OptionsValidationException>(() => _ = services.GetRequiredService<IOptions<FapiOptions>>().Value)!;
        return ex.Message;
    }

    [Test]
    public void SharedCacheKeys_Bind()
    {
        string key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        Settings["OpenEnergy:Fapi:SharedCache:Redis"] = "localhost:6379";
        Settings["OpenEnergy:Fapi:SharedCache:IntegrityKey"] = key;
        Settings["OpenEnergy:Fapi:SharedCache:KeyPrefix"] = "fleet-a:";
        Settings["OpenEnergy:Fapi:SharedCache:Timeout"] = "00:00:00.100";
        using ServiceProvider services = Build(redis: true);

        SharedCacheOptions o = services.GetRequiredService<IOptions<FapiOptions>>().Value.SharedCache;

        Assert.That(o.Redis, Is.EqualTo("localhost:6379"));
        Assert.That(o.IntegrityKey, Is.EqualTo(key));
        Assert.That(o.KeyPrefix, Is.EqualTo("fleet-a:"));
        Assert.That(o.Timeout, Is.EqualTo(TimeSpan.FromMilliseconds(100)));
    }

    [Test]
    public void Defaults_AreThePrefixOefapi_AndA250MillisecondTimeout()
    {
        var o = new SharedCacheOptions();

        Assert.That(o.KeyPrefix, Is.EqualTo("oefapi:"));
        Assert.That(o.Timeout, Is.EqualTo(TimeSpan.FromMilliseconds(250)));
    }

    [Test]
    public void SharedCacheWithoutAnIntegrityKey_FailsAtStartUp_ShowingACommandThatMakesOne()
    {
        Settings["OpenEnergy:Fapi:SharedCache:Redis"] = "localhost:6379";

        string message = FailureOf(redis: true);

        Assert.That(message, Does.Contain("OpenEnergy:Fapi:SharedCache:IntegrityKey is required"));
        Assert.That(message, Does.Contain("openssl rand -base64 32"));
    }

    [TestCase("c2hvcnQ=")] // 5 bytes
    [TestCase("not base64 at all!")]
    public void IntegrityKeyNotBase64OfAtLeast32Bytes_FailsAtStartUp_WithoutEchoingIt(string key)
    {
        Settings["OpenEnergy:Fapi:SharedCache:Redis"] = "localhost:6379";
        Settings["OpenEnergy:Fapi:SharedCache:IntegrityKey"] = key;

        string message = FailureOf(redis: true);

        Assert.That(message, Does.Contain("IntegrityKey must be base64 of at least 32 bytes"));
        Assert.That(message, Does.Not.Contain(key));
    }

    [Test]
    public void RedisSetWithoutAddRedisSharedCache_FailsAtStartUp()
    {
        Settings["OpenEnergy:Fapi:SharedCache:Redis"] = "localhost:6379";

        string message = FailureOf(redis: false);

        Assert.That(message, Does.Contain("OpenEnergy:Fapi:SharedCache:Redis is set, but no shared cache is registered"));
        Assert.That(message, Does.Contain("AddRedisSharedCache"));
    }

    [Test]
    public void AddRedisSharedCacheWithoutARedisSetting_FailsAtStartUp()
    {
        Settings["OpenEnergy:Fapi:SharedCache:IntegrityKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

        string message = FailureOf(redis: true);

        Assert.That(message, Does.Contain("OpenEnergy:Fapi:SharedCache:Redis is required by AddRedisSharedCache"));
    }

    [Test]
    public void RedisStringThatDoesNotParse_FailsAtStartUp_WithoutEchoingThePassword()
    {
        Settings["OpenEnergy:Fapi:SharedCache:Redis"] = "localhost:6379,password=hunter2-secret,nosuchoption=1";
        Settings["OpenEnergy:Fapi:SharedCache:IntegrityKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

        string message = FailureOf(redis: true);

        Assert.That(message, Does.Contain("OpenEnergy:Fapi:SharedCache:Redis is not a valid"));
        Assert.That(message, Does.Not.Contain("hunter2-secret"));
    }

    [TestCase("00:00:00")]
    [TestCase("00:00:06")]
    public void TimeoutOutOfRange_FailsAtStartUp(string timeout)
    {
        Settings["OpenEnergy:Fapi:SharedCache:Redis"] = "localhost:6379";
        Settings["OpenEnergy:Fapi:SharedCache:IntegrityKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        Settings["OpenEnergy:Fapi:SharedCache:Timeout"] = timeout;

        Assert.That(FailureOf(redis: true), Does.Contain("OpenEnergy:Fapi:SharedCache:Timeout must be above 0 and at most 5 s"));
    }

    [Test]
    public void WithoutASharedCache_TheSharedCacheKeysAreNotRequired()
    {
        using ServiceProvider services = Build(redis: false);

        Assert.That(services.GetRequiredService<IOptions<FapiOptions>>().Value.SharedCache.IntegrityKey, Is.Null);
    }
}
