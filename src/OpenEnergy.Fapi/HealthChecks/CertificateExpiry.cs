using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace OpenEnergy.Fapi.HealthChecks;

/// <summary>One rule for a certificate's dates, shared by the health check and the start-up warnings.</summary>
internal static class CertificateExpiry
{
    /// <summary>Unhealthy when expired or not yet valid, Degraded within <paramref name="warning"/> of expiry, with why.</summary>
    public static (HealthStatus Status, string? Problem) Judge(X509Certificate2 certificate, DateTime utcNow, TimeSpan warning)
    {
        DateTime notBefore = certificate.NotBefore.ToUniversalTime();
        DateTime notAfter = certificate.NotAfter.ToUniversalTime();
        if (utcNow > notAfter)
        {
            return (HealthStatus.Unhealthy, $"expired on {Format(notAfter)}");
        }

        if (utcNow < notBefore)
        {
            return (HealthStatus.Unhealthy, $"is not valid before {Format(notBefore)}");
        }

        if (notAfter - utcNow < warning)
        {
            return (HealthStatus.Degraded, $"expires on {Format(notAfter)}, in {(notAfter - utcNow).TotalDays:0.#} days");
        }

        return (HealthStatus.Healthy, null);
    }

    private static string Format(DateTime utc) => utc.ToString("u", CultureInfo.InvariantCulture);
}
