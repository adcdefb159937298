using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenEnergy.Fapi.HealthChecks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the validator's health checks to <c>AddHealthChecks()</c>.</summary>
public static class FapiHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds the checks named in <see cref="FapiHealthCheckNames"/>: the authorization server (discovery and an
    /// introspection over mutual TLS, reused for <c>HealthProbeInterval</c>; unreachable is Degraded, our credentials
    /// refused Unhealthy), the certificates' expiry (Degraded within <c>HealthCertificateExpiryWarning</c>, Unhealthy
    /// once expired or not yet valid), and, when configured, the shared cache and the issuer's key set (Degraded when
    /// unreachable). Needs <c>AddOpenEnergyFapi</c> on the services.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="tags">Tags added to every check, besides <see cref="FapiHealthCheckNames.Tag"/> (e.g. <c>ready</c>).</param>
    public static IHealthChecksBuilder AddOpenEnergyFapi(this IHealthChecksBuilder builder, params string[] tags)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(tags);
        string[] all = [FapiHealthCheckNames.Tag, .. tags];
        builder.Services.TryAddSingleton<AuthorizationServerHealthCheck>();
        builder.Services.TryAddSingleton<CertificateHealthCheck>();
        builder.Services.TryAddSingleton<SharedCacheHealthCheck>();
        builder.Services.TryAddSingleton<SigningKeysHealthCheck>();
        builder.Add(new HealthCheckRegistration(FapiHealthCheckNames.AuthorizationServer, sp => sp.GetRequiredService<AuthorizationServerHealthCheck>(), HealthStatus.Degraded, all));
        builder.Add(new HealthCheckRegistration(FapiHealthCheckNames.Certificates, sp => sp.GetRequiredService<CertificateHealthCheck>(), HealthStatus.Unhealthy, all));
        builder.Add(new HealthCheckRegistration(FapiHealthCheckNames.SharedCache, sp => sp.GetRequiredService<SharedCacheHealthCheck>(), HealthStatus.Degraded, all));
        builder.Add(new HealthCheckRegistration(FapiHealthCheckNames.SigningKeys, sp => sp.GetRequiredService<SigningKeysHealthCheck>(), HealthStatus.Degraded, all));
        return builder;
    }
}
