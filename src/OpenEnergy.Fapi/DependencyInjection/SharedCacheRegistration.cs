using Microsoft.Extensions.Caching.Distributed;

namespace OpenEnergy.Fapi.Caching;

/// <summary>
/// The store <c>AddSharedCache</c> registered. Its presence is what turns the second level on; the options
/// validator reads it to require an integrity key, and to refuse a Redis setting that nothing would read.
/// </summary>
internal sealed class SharedCacheRegistration
{
    public SharedCacheRegistration(Func<IServiceProvider, IDistributedCache> storeFactory) => StoreFactory = storeFactory;

    public Func<IServiceProvider, IDistributedCache> StoreFactory { get; }
}
