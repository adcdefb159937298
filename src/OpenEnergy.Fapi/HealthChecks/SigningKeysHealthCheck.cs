using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using OpenEnergy.Fapi.Configuration;
using OpenEnergy.Fapi.Jwt;

namespace OpenEnergy.Fapi.HealthChecks;

/// <summary>
/// Whether the issuer's key set is held, when JWT access tokens or signed introspection answers are checked:
/// <see cref="HealthStatus.Degraded"/> when it cannot be fetched (JWTs are then refused with 503, or introspected
/// under <c>Auto</c>). Fetches the set if none is held yet, within the key set's own refresh limits.
/// </summary>
internal sealed class SigningKeysHealthCheck : IHealthCheck
{
    private readonly IssuerSigningKeys _keys;
    private readonly bool _used;

    public SigningKeysHealthCheck(IssuerSigningKeys keys, IOptions<FapiOptions> options)
    {
        _keys = keys;
        _used = options.Value.UsesSigningKeys;
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!_used)
        {
            return HealthCheckResult.Healthy("no signatures are checked (opaque tokens, JSON introspection)");
        }

        if (_keys.Current is null)
        {
            // No key has this id: the lookup fetches the set, or reports why it cannot.
            _ = await _keys.FindAsync("oe-fapi-health-probe", cancellationToken);
        }

        return (_keys.Current, _keys.LastFetchFailed) switch
        {
            (null, _) => HealthCheckResult.Degraded("the issuer's key set cannot be fetched; JWT access tokens cannot be checked"),
            ({ } held, true) => HealthCheckResult.Degraded($"refreshing the issuer's key set failed; {held.Count} keys fetched before are in use"),
            ({ } held, false) => HealthCheckResult.Healthy($"{held.Count} signing keys held"),
        };
    }
}
