using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenEnergy.Fapi.Configuration;
using OpenEnergy.Fapi.HttpListener;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="FapiHttpListenerGuard"/>.</summary>
public static class FapiHttpListenerServiceCollectionExtensions
{
    /// <summary>
    /// Registers the guard; call after the core's <c>AddOpenEnergyFapi</c>. In header mode the options must name
    /// <c>ClientCertificateVerifyHeader</c> (checked at start-up with the core's options).
    /// </summary>
    /// <param name="services">The service collection.</param>
    public static IServiceCollection AddOpenEnergyFapiHttpListener(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FapiOptions>, HttpListenerOptionsValidator>());
        services.TryAddSingleton<FapiHttpListenerGuard>();
        return services;
    }
}
