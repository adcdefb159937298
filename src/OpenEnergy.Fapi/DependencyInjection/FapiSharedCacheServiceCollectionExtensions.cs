using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenEnergy.Fapi.Caching;
using OpenEnergy.Fapi.Configuration;
using OpenEnergy.Fapi.Diagnostics;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Adds a second, shared level to the introspection cache, so a fleet of provider instances asks the authorization
/// server about a token once. Settings: <c>OpenEnergy:Fapi:SharedCache</c> (<see cref="SharedCacheOptions"/>); an
/// <see cref="SharedCacheOptions.IntegrityKey"/> is required. For Redis, use <c>AddRedisSharedCache</c> from the
/// OpenEnergy.Fapi.Redis package.
/// </summary>
public static class FapiSharedCacheServiceCollectionExtensions
{
    /// <summary>
    /// Uses <paramref name="store"/> (Garnet, SQL Server, a cloud cache: any <see cref="IDistributedCache"/>) as the
    /// shared level. The library only reads and writes its own keys (<see cref="SharedCacheOptions.KeyPrefix"/>) and
    /// does not dispose the store. The application's own <see cref="IDistributedCache"/> registration is untouched.
    /// The store's asynchronous methods must not block before returning their task (reads are bounded by
    /// <see cref="SharedCacheOptions.Timeout"/> only once the task is returned); writes run off the request path.
    /// </summary>
    /// <param name="services">Services on which <c>AddOpenEnergyFapi</c> has been called.</param>
    /// <param name="store">The shared store.</param>
    public static IServiceCollection AddSharedCache(this IServiceCollection services, IDistributedCache store)
    {
        ArgumentNullException.ThrowIfNull(store);
        return services.AddSharedCache(_ => store);
    }

    /// <summary>Uses the store <paramref name="storeFactory"/> returns (called once, from the container) as the shared level.</summary>
    /// <param name="services">Services on which <c>AddOpenEnergyFapi</c> has been called.</param>
    /// <param name="storeFactory">Makes or finds the shared store.</param>
    public static IServiceCollection AddSharedCache(this IServiceCollection services, Func<IServiceProvider, IDistributedCache> storeFactory)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(storeFactory);

        // The last registration wins, as with any other single service.
        services.RemoveAll<SharedCacheRegistration>();
        services.AddSingleton(new SharedCacheRegistration(storeFactory));
        services.TryAddSingleton(sp => new SharedIntrospectionCache(
            sp.GetRequiredService<SharedCacheRegistration>().StoreFactory(sp),
            sp.GetRequiredService<IOptions<FapiOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<FapiMetrics>(),
            sp.GetRequiredService<ILogger<SharedIntrospectionCache>>()));
        return services;
    }
}
