using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenEnergy.Fapi.AspNetCore;
using OpenEnergy.Fapi.AspNetCore.Authentication;
using OpenEnergy.Fapi.AspNetCore.Authorization;
using OpenEnergy.Fapi.AspNetCore.Http;
using OpenEnergy.Fapi.AspNetCore.Kestrel;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the ASP.NET Core adapter (after the core's <c>AddOpenEnergyFapi</c>).</summary>
public static class FapiHttpServiceCollectionExtensions
{
    /// <summary>Registers the adapter with its policy hooks and access-log setting.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets <see cref="FapiHttpOptions"/>.</param>
    public static IServiceCollection AddOpenEnergyFapiHttp(this IServiceCollection services, Action<FapiHttpOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<FapiHttpOptions>();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddSingleton<FapiHttpPipeline>();
        // Lets forwarded certificates from a proxy on a UNIX socket be trusted by default (Kestrel only).
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<KestrelServerOptions>, UnixSocketConnectionMarker>());
        return services;
    }

    /// <summary>Adds the <see cref="FapiAuthenticationDefaults.AuthenticationScheme"/> authentication scheme and scope policies' handler.</summary>
    /// <param name="builder">The authentication builder.</param>
    /// <param name="configure">Sets the scheme options.</param>
    public static AuthenticationBuilder AddOpenEnergyFapi(this AuthenticationBuilder builder, Action<FapiAuthenticationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOpenEnergyFapiHttp();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuthorizationHandler, FapiScopeAuthorizationHandler>());
        return builder.AddScheme<FapiAuthenticationOptions, FapiAuthenticationHandler>(FapiAuthenticationDefaults.AuthenticationScheme, configure);
    }
}
