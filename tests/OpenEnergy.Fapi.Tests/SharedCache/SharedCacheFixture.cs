using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using OpenEnergy.Fapi.Caching;
using OpenEnergy.Fapi.Configuration;
using OpenEnergy.Fapi.Tests.Shared;
using OpenEnergy.Fapi.Tests.Support;
using StackExchange.Redis;

namespace OpenEnergy.Fapi.Tests.SharedCache;

/// <summary>
/// A real <c>redis-server</c> and the fake authorization server, shared by a class's tests. Each test's instances
/// (validators built through <c>AddRedisSharedCache</c>, as separate processes would be) use a key prefix of their
/// own, so tests never see each other's entries.
/// </summary>
internal abstract class SharedCacheFixture : AuthorizationServerFixture
{
    protected static readonly string IntegrityKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    protected RedisServer Redis { get; private set; } = null!;

    /// <summary>A direct connection to the Redis, for reading and tampering with entries as an attacker with access to it could.</summary>
    protected IDatabase Store { get; private set; } = null!;

    protected string KeyPrefix { get; private set; } = "";

    private ConnectionMultiplexer _direct = null!;

    [OneTimeSetUp]
    public async Task StartRedis()
    {
        Redis = await RedisServer.StartAsync();
        _direct = await ConnectionMultiplexer.ConnectAsync(Redis.ConfigurationString + ",abortConnect=false,allowAdmin=true");
        Store = _direct.GetDatabase();
        // Keyspace notifications for generic commands (DEL), so a test can wait for a removal as it happens.
        await _direct.GetServer(_direct.GetEndPoints()[0]).ConfigSetAsync("notify-keyspace-events", "Kg");
    }

    [OneTimeTearDown]
    public async Task StopRedis()
    {
        await _direct.DisposeAsync();
        await Redis.DisposeAsync();
    }

    [SetUp]
    public void NewKeyPrefix() => KeyPrefix = $"test-{Guid.NewGuid():N}:";

    /// <summary>One provider instance of the fleet: its own process-local cache, the fleet's Redis.</summary>
    protected ValidatorHarness NewInstance(Action<FapiOptions>? configure = null)
        => NewValidator(
            o =>
            {
                o.SharedCache.Redis = Redis.ConfigurationString;
                o.SharedCache.IntegrityKey = IntegrityKey;
                o.SharedCache.KeyPrefix = KeyPrefix;
                configure?.Invoke(o);
            },
            configureServices: services => services.AddRedisSharedCache());

    /// <summary>Counts one of the meter's instruments on this instance alone.</summary>
    protected static MetricCollector<long> Collect(ValidatorHarness instance, string instrument)
        => new(instance.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), FapiDefaults.MeterName, instrument);

    /// <summary>The Redis key of a token's entry, as the instance names it.</summary>
    protected static string StoreKeyOf(ValidatorHarness instance, string token)
    {
        var validatorKey = TokenHash.Compute(TokenHash.CreatePrefix(instance.Server.BaseAddress.ToString(), "provider-client"), token);
        return instance.Services.GetRequiredService<SharedIntrospectionCache>().StoreKey(validatorKey);
    }

    /// <summary>Validates through <paramref name="instance"/> and waits until its shared-cache write has landed.</summary>
    protected static async Task ValidateAndShareAsync(ValidatorHarness instance, string token, System.Security.Cryptography.X509Certificates.X509Certificate2 certificate, bool expectAccepted = true)
    {
        using MetricCollector<long> writes = Collect(instance, "openenergy.fapi.shared_cache.writes");
        var verdict = await instance.ValidateAsync("Bearer " + token, certificate);
        Assert.That(verdict.Succeeded, Is.EqualTo(expectAccepted), "the first instance's verdict");
        await writes.WaitForMeasurementsAsync(1, TimeSpan.FromSeconds(30));
    }

    /// <summary>Subscribes now; the task returned completes when Redis reports that <paramref name="storeKey"/> was deleted.</summary>
    protected async Task<Task> WhenDeletedAsync(string storeKey)
    {
        var deleted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await _direct.GetSubscriber().SubscribeAsync(RedisChannel.Literal("__keyspace@0__:" + storeKey), (_, message) =>
        {
            if (message == "del")
            {
                deleted.TrySetResult();
            }
        });
        return deleted.Task;
    }

    /// <summary>The bytes of an entry: RedisCache keeps them in one field of a hash, beside its own expiry fields.</summary>
    protected async Task<(RedisValue Field, byte[] Value)> ReadEntryAsync(string storeKey)
    {
        HashEntry[] fields = await Store.HashGetAllAsync(storeKey);
        HashEntry data = fields.Single(f => f.Name == "data");
        return (data.Name, (byte[])data.Value!);
    }
}
