using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenEnergy.Fapi.Caching;

namespace OpenEnergy.Fapi.HealthChecks;

/// <summary>
/// Whether the shared cache (Redis) answers, when one is configured: <see cref="HealthStatus.Degraded"/> when it
/// does not, since requests are then answered from this process's cache and the authorization server.
/// </summary>
internal sealed class SharedCacheHealthCheck : IHealthCheck
{
    private readonly SharedIntrospectionCache? _shared;

    public SharedCacheHealthCheck(IServiceProvider services) => _shared = (SharedIntrospectionCache?)services.GetService(typeof(SharedIntrospectionCache));

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (_shared is null)
        {
            return HealthCheckResult.Healthy("no shared cache is configured");
        }

        string? problem = await _shared.ProbeAsync(cancellationToken);
        return problem is null
            ? HealthCheckResult.Healthy("the shared cache answers")
            : HealthCheckResult.Degraded($"the shared cache does not answer ({problem}); each instance uses its own cache and the authorization server meanwhile");
    }
}
