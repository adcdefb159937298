using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenEnergy.Fapi;
using OpenEnergy.Fapi.Caching;
using OpenEnergy.Fapi.Certificates;
using OpenEnergy.Fapi.Configuration;
using OpenEnergy.Fapi.Diagnostics;
using OpenEnergy.Fapi.Http;
using OpenEnergy.Fapi.Introspection;
using OpenEnergy.Fapi.Jwt;
using OpenEnergy.Fapi.Validation;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Open Energy FAPI validator (<see cref="IFapiValidator"/>) and what it needs.</summary>
public static class FapiServiceCollectionExtensions
{
    /// <summary>Adds the validator with options bound from a configuration section (usually <c>OpenEnergy:Fapi</c>).</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The section holding <see cref="FapiOptions"/>.</param>
    /// <param name="configure">Further settings in code, applied after the section.</param>
    public static IServiceCollection AddOpenEnergyFapi(this IServiceCollection services, IConfiguration configuration, Action<FapiOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        // Bound through the settings type, by generated code: the certificate objects only code can give are never
        // touched by configuration, and nothing here needs reflection (trimming, Native AOT).
        services.AddOptions<FapiOptions>().Configure(options =>
        {
            FapiSettings settings = options;
            configuration.Bind(settings);
        });
        // Kept so that start-up can warn about keys no option reads.
        services.AddSingleton(new FapiConfigurationSection(configuration));
        return services.AddOpenEnergyFapi(configure ?? (_ => { }));
    }

    /// <summary>Adds the validator with options set in code.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets <see cref="FapiOptions"/>.</param>
    public static IServiceCollection AddOpenEnergyFapi(this IServiceCollection services, Action<FapiOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);

        services.AddOptions<FapiOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FapiOptions>, FapiOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FapiOptions>, SharedCacheOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddLogging();

        // The key material, watched for changes: a rotated certificate or bundle needs no restart.
        services.TryAddSingleton(sp => ProviderCredentials.LoadAndWatch(
            sp.GetRequiredService<IOptions<FapiOptions>>().Value, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ProviderCredentials>>()));
        services.TryAddSingleton(sp => sp.GetRequiredService<ProviderCredentials>().AuthorizationServerTrust);
        services.TryAddSingleton(sp => new TrustedClientAuthorities(
            sp.GetRequiredService<ProviderCredentials>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<TrustedClientAuthorities>>()));
        services.AddHttpClient(FapiDefaults.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp => AuthorizationServerHandlerFactory.Create(sp.GetRequiredService<ProviderCredentials>()));

        services.TryAddSingleton(sp => new FapiMetrics(sp.GetService<IMeterFactory>()));
        services.TryAddSingleton<AuthorizationServerResilience>();
        services.TryAddSingleton<AuthorizationServerMetadataProvider>();
        services.TryAddSingleton<IntrospectionClient>();
        services.TryAddSingleton<IssuerSigningKeys>();
        services.TryAddSingleton<JwsVerifier>();
        services.TryAddSingleton<JwtAccessTokenValidator>();
        services.TryAddSingleton<SignedIntrospectionReader>();
        // The shared level is passed only when AddSharedCache registered one.
        services.TryAddSingleton<IIntrospectionCache>(sp => new IntrospectionCache(
            sp.GetRequiredService<IOptions<FapiOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<FapiMetrics>(),
            sp.GetService<SharedIntrospectionCache>()));
        services.TryAddSingleton<IntrospectionAdmission>();
        services.TryAddSingleton<IntrospectionCoordinator>();
        services.TryAddSingleton<FapiFailures>();
        services.TryAddSingleton<IFapiValidator, FapiValidator>();
        services.TryAddSingleton<ForwardedCertificateReader>();
        services.TryAddSingleton<ClientCertificateIntake>();
        services.TryAddSingleton<FapiHttpGate>();
        // Said once as the host starts: the summary line, misconfiguration warnings, a discovery probe.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Hosting.IHostedService, FapiStartupReport>());
        return services;
    }
}
