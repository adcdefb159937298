using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenEnergy.Fapi.Configuration;
using OpenEnergy.Fapi.Redis;
using StackExchange.Redis;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Puts the introspection cache's shared level on Redis.</summary>
public static class RedisSharedCacheServiceCollectionExtensions
{
    /// <summary>
    /// Shares validated introspection answers through Redis, so a fleet of instances asks the authorization server
    /// once per token. Reads <c>OpenEnergy:Fapi:SharedCache:Redis</c> (a StackExchange.Redis configuration string;
    /// <c>AbortOnConnectFail</c> is forced off) and requires <c>OpenEnergy:Fapi:SharedCache:IntegrityKey</c>. The
    /// library makes its own <c>RedisCache</c>: the application's <c>IDistributedCache</c> is untouched.
    /// </summary>
    /// <param name="services">Services on which <c>AddOpenEnergyFapi</c> has been called.</param>
    /// <param name="configure">Further StackExchange.Redis settings in code (certificates for TLS, say), applied after the string.</param>
    public static IServiceCollection AddRedisSharedCache(this IServiceCollection services, Action<ConfigurationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FapiOptions>, RedisSharedCacheOptionsValidator>());
        services.TryAddSingleton(sp => new RedisSharedCacheConnection(
            sp.GetRequiredService<IOptions<FapiOptions>>(),
            configure,
            sp.GetRequiredService<ILogger<RedisSharedCacheConnection>>()));
        return services.AddSharedCache(sp => sp.GetRequiredService<RedisSharedCacheConnection>().Cache);
    }
}
