using System.Security.Cryptography;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using OpenEnergy.Fapi.Configuration;
using OpenEnergy.Fapi.Introspection;

namespace OpenEnergy.Fapi.HealthChecks;

/// <summary>
/// Whether the authorization server answers this provider: discovery, then an introspection of a made-up token over
/// our mutual TLS (a real call through the same client as every request, but outside the cache and the queue).
/// Unreachable is <see cref="HealthStatus.Degraded"/>: every instance shares the server, so pulling one from a
/// load balancer would not help, and requests meanwhile get 503 with <c>Retry-After</c>. Our credentials refused
/// is <see cref="HealthStatus.Unhealthy"/>: this instance is misconfigured. A probe is reused for
/// <c>HealthProbeInterval</c>, so however often the health endpoint is asked, the server sees one call per interval.
/// </summary>
internal sealed class AuthorizationServerHealthCheck : IHealthCheck
{
    private readonly AuthorizationServerMetadataProvider _metadata;
    private readonly IntrospectionClient _introspection;
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private readonly bool _introspects;
    private readonly Lock _gate = new();
    private Task<HealthCheckResult>? _probe;
    private DateTimeOffset _probedAt;

    public AuthorizationServerHealthCheck(AuthorizationServerMetadataProvider metadata, IntrospectionClient introspection, IOptions<FapiOptions> options, TimeProvider time)
    {
        _metadata = metadata;
        _introspection = introspection;
        _time = time;
        _interval = options.Value.HealthProbeInterval;
        _introspects = options.Value.EffectiveAccessTokenFormat != AccessTokenFormat.Jwt;
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        Task<HealthCheckResult> probe;
        lock (_gate)
        {
            // A probe under way is shared; a finished one is reused until the interval has passed.
            if (_probe is null || (_probe.IsCompleted && _time.GetUtcNow() - _probedAt >= _interval))
            {
                _probedAt = _time.GetUtcNow();
                _probe = ProbeAsync();
            }

            probe = _probe;
        }

        return probe.WaitAsync(cancellationToken);
    }

    private async Task<HealthCheckResult> ProbeAsync()
    {
        // The probe's own bound: one caller's cancellation must not fail the probe the others share.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30), _time);
        try
        {
            AuthorizationServerEndpoints endpoints = await _metadata.GetAsync(timeout.Token);
            if (!_introspects || endpoints.IntrospectionEndpoint is null)
            {
                return HealthCheckResult.Healthy("discovery answered (tokens are validated locally, so introspection is not probed)");
            }

            // A token no server has issued: a working server answers {"active":false}.
            string madeUp = "oe-fapi-health-probe-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
            IntrospectionOutcome outcome = await _introspection.IntrospectAsync(madeUp, timeout.Token);
            return outcome switch
            {
                { Kind: IntrospectionOutcomeKind.Answered } => HealthCheckResult.Healthy($"the introspection endpoint {endpoints.IntrospectionEndpoint} accepts our mutual TLS"),
                { CredentialsRefused: true } => HealthCheckResult.Unhealthy($"the authorization server refused this provider's credentials at {endpoints.IntrospectionEndpoint}: {outcome.Reason}. Check OpenEnergy:Fapi:ClientId, the transport certificate and its registration at the directory"),
                _ => HealthCheckResult.Degraded($"the introspection endpoint {endpoints.IntrospectionEndpoint} gave no verdict: {outcome.Reason}"),
            };
        }
        catch (AuthorizationServerUnavailableException ex)
        {
            return HealthCheckResult.Degraded($"the authorization server cannot be reached: {ex.Message}");
        }
        catch (OperationCanceledException)
        {
            return HealthCheckResult.Degraded("the authorization server did not answer in time");
        }
    }
}
