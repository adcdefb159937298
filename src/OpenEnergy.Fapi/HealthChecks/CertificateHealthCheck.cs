using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using OpenEnergy.Fapi.Configuration;

namespace OpenEnergy.Fapi.HealthChecks;

/// <summary>
/// The expiry of the provider's transport certificate and of every CA certificate it trusts (for the authorization
/// server, and for client certificates on direct TLS), as currently loaded: <see cref="HealthStatus.Unhealthy"/>
/// when one has expired or is not yet valid, <see cref="HealthStatus.Degraded"/> within
/// <c>HealthCertificateExpiryWarning</c> of its expiry. Directory certificates expire; this is the reminder.
/// </summary>
internal sealed class CertificateHealthCheck : IHealthCheck
{
    private readonly ProviderCredentials _credentials;
    private readonly TimeProvider _time;
    private readonly TimeSpan _warning;

    public CertificateHealthCheck(ProviderCredentials credentials, IOptions<FapiOptions> options, TimeProvider time)
    {
        _credentials = credentials;
        _time = time;
        _warning = options.Value.HealthCertificateExpiryWarning;
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        DateTime now = _time.GetUtcNow().UtcDateTime;
        var data = new Dictionary<string, object>();
        var problems = new List<string>();
        HealthStatus status = HealthStatus.Healthy;
        foreach ((string role, X509Certificate2 certificate) in _credentials.CertificatesInUse())
        {
            DateTime notAfter = certificate.NotAfter.ToUniversalTime();
            data[$"{role}: {certificate.Subject}"] = notAfter.ToString("u", System.Globalization.CultureInfo.InvariantCulture);
            (HealthStatus state, string? problem) = CertificateExpiry.Judge(certificate, now, _warning);
            if (problem is not null)
            {
                problems.Add($"{role} '{certificate.Subject}' {problem}");
                status = state < status ? state : status;
            }
        }

        foreach ((string setting, string problem) in _credentials.ReloadFailures)
        {
            // The files say one thing and the provider uses another: a restart would fail, and a CA meant to be
            // dropped may still be trusted.
            problems.Add($"{setting} changed but does not load ({problem}); the material loaded before is in use");
            status = status == HealthStatus.Unhealthy ? status : HealthStatus.Degraded;
        }

        string description = problems.Count == 0 ? "every certificate is valid beyond the warning period" : string.Join("; ", problems);
        return Task.FromResult(new HealthCheckResult(status, description, data: data));
    }
}
