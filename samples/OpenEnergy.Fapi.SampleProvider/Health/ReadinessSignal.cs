using System.Diagnostics;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Options;

namespace OpenEnergy.Fapi.SampleProvider.Health;

/// <summary>
/// Under systemd (<c>Type=notify</c>), holds the start back until the health checks have run once, or until
/// <c>Provider:ReadinessTimeout</c>: systemd's lifetime signals READY=1 when the host has started, so a unit that
/// waits for this one (or an operator's <c>systemctl start</c>) sees a provider that has already tried its
/// authorization server and its certificates. Elsewhere it does nothing.
/// </summary>
internal sealed class ReadinessSignal : IHostedService
{
    private readonly HealthCheckService _health;
    private readonly ProviderOptions _options;
    private readonly ILogger _logger;
    private readonly bool _underSystemd;

    public ReadinessSignal(HealthCheckService health, IOptions<ProviderOptions> options, ILogger<ReadinessSignal> logger)
        : this(health, options, logger, SystemdHelpers.IsSystemdService())
    {
    }

    internal ReadinessSignal(HealthCheckService health, IOptions<ProviderOptions> options, ILogger<ReadinessSignal> logger, bool underSystemd)
    {
        _health = health;
        _options = options.Value;
        _logger = logger;
        _underSystemd = underSystemd;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!_underSystemd)
        {
            return;
        }

        long started = Stopwatch.GetTimestamp();
        try
        {
            HealthReport report = await _health.CheckHealthAsync(cancellationToken).WaitAsync(_options.ReadinessTimeout, cancellationToken);
            if (_logger.IsEnabled(LogLevel.Information))
            {
                _logger.LogInformation("Health checks ran once before signalling readiness: {Status} after {Elapsed} ms", report.Status, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }
        catch (TimeoutException)
        {
            _logger.LogWarning("The health checks did not finish within Provider:ReadinessTimeout ({Timeout}); signalling readiness anyway", _options.ReadinessTimeout);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
