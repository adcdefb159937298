using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenEnergy.Fapi.AspNetCore;
using OpenEnergy.Fapi.AspNetCore.Authentication;
using OpenEnergy.Fapi.AspNetCore.Authorization;
using OpenEnergy.Fapi.AspNetCore.Http;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the ASP.NET Core adapter (after the core's <c>AddOpenEnergyFapi</c>).</summary>
public static class FapiHttpServiceCollectionExtensions
{
    /// <summary>
    /// Sets the adapter's policy hooks and access-log setting. Optional: every entry point works without it, with
    /// the default settings.
    /// </summary>
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
        services.TryAddEnumerable(ServiceDescriptor.Transient<Microsoft.AspNetCore.Hosting.IStartupFilter, OpenEnergy.Fapi.AspNetCore.Hosting.FapiStartupFilter>());
        // Scope policies work with any registration; they are met only by a request FAPI validation accepted.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuthorizationHandler, FapiScopeAuthorizationHandler>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuthorizationHandler, FapiRoleAuthorizationHandler>());
        return services;
    }

    /// <summary>Adds the <see cref="FapiAuthenticationDefaults.AuthenticationScheme"/> authentication scheme and the scope policies' handler.</summary>
    /// <param name="builder">The authentication builder.</param>
    /// <param name="configure">Sets the scheme options.</param>
    public static AuthenticationBuilder AddOpenEnergyFapi(this AuthenticationBuilder builder, Action<FapiAuthenticationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOpenEnergyFapiHttp();
        DecorateAuthorizationResultHandler(builder.Services);
        return builder.AddScheme<FapiAuthenticationOptions, FapiAuthenticationHandler>(FapiAuthenticationDefaults.AuthenticationScheme, configure);
    }

    // The refusal body comes after every scheme of a policy was challenged (see FapiAuthorizationResultHandler):
    // the application's own result handler, registered so far or the framework's, is wrapped, never replaced.
    private static void DecorateAuthorizationResultHandler(IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(IAuthorizationMiddlewareResultHandler) && d.ImplementationFactory?.Method.DeclaringType == typeof(FapiHttpServiceCollectionExtensions)))
        {
            return;
        }

        ServiceDescriptor? existing = services.LastOrDefault(d => d.ServiceType == typeof(IAuthorizationMiddlewareResultHandler));
        services.AddSingleton<IAuthorizationMiddlewareResultHandler>(sp => new FapiAuthorizationResultHandler(Inner(sp, existing), sp.GetRequiredService<FapiHttpPipeline>()));
    }

    private static IAuthorizationMiddlewareResultHandler Inner(IServiceProvider services, ServiceDescriptor? existing) => existing switch
    {
        { ImplementationInstance: IAuthorizationMiddlewareResultHandler instance } => instance,
        { ImplementationFactory: { } factory } => (IAuthorizationMiddlewareResultHandler)factory(services),
        { ImplementationType: { } type } => (IAuthorizationMiddlewareResultHandler)ActivatorUtilities.CreateInstance(services, type),
        _ => new AuthorizationMiddlewareResultHandler(),
    };
}
