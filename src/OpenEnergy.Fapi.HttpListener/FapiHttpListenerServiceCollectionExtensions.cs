using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenEnergy.Fapi.HttpListener;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="FapiHttpListenerGuard"/>.</summary>
public static class FapiHttpListenerServiceCollectionExtensions
{
    /// <summary>Registers the guard; call after the core's <c>AddOpenEnergyFapi</c>.</summary>
    /// <param name="services">The service collection.</param>
    public static IServiceCollection AddOpenEnergyFapiHttpListener(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<FapiHttpListenerGuard>();
        return services;
    }
}
