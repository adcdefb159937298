using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using OpenEnergy.Fapi.Configuration;
using OpenEnergy.Fapi.Diagnostics;

namespace OpenEnergy.Fapi.Certificates;

/// <summary>
/// The directory CAs trusted for client certificates on direct TLS (<see cref="FapiSettings.TrustedClientCaPath"/>),
/// always the bundle as last loaded: a replaced bundle file is picked up without a restart. The one judge of a
/// connection's client certificate, in the TLS handshake (Kestrel) and again by the certificate intake.
/// </summary>
public sealed class TrustedClientAuthorities
{
    private static readonly TimeSpan RefusalReportInterval = TimeSpan.FromSeconds(10);

    private readonly ProviderCredentials _credentials;
    private readonly ILogger _logger;
    private readonly LogThrottle _refusals;

    internal TrustedClientAuthorities(ProviderCredentials credentials, TimeProvider time, ILogger<TrustedClientAuthorities> logger)
    {
        _credentials = credentials;
        _logger = logger;
        _refusals = new LogThrottle(time, RefusalReportInterval);
    }

    /// <summary>Whether <see cref="FapiSettings.TrustedClientCaPath"/> is configured (otherwise nothing is trusted here).</summary>
    public bool IsConfigured => _credentials.TrustedClientCaTrust is not null;

    /// <summary>Changes whenever the bundle is reloaded: a verdict remembered under another generation is out of date.</summary>
    internal long Generation => _credentials.Generation;

    /// <summary>
    /// Judges the certificate a client presented in the TLS handshake (for Kestrel's
    /// <c>ClientCertificateValidation</c>). A refusal is logged at Information, at most one line per 10 seconds with
    /// a count of those held back, naming the reason (the chain's faults: an unknown CA, an expiry, a missing
    /// client-authentication usage), the certificate's subject and its thumbprint; the consumer itself sees only a
    /// failed handshake.
    /// </summary>
    /// <param name="certificate">The client's certificate.</param>
    /// <param name="chain">The chain the platform built, whose extra certificates help build ours.</param>
    public bool ValidateHandshake(X509Certificate2 certificate, X509Chain? chain)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        if (IsTrusted(certificate, chain?.ChainElements.Select(e => e.Certificate), out string? problem))
        {
            return true;
        }

        if (_refusals.TryReport(out int heldBack) && _logger.IsEnabled(LogLevel.Information))
        {
            _logger.HandshakeCertificateRefused(
                problem ?? "refused",
                certificate.Subject,
                CertificateThumbprint.FromCertificate(certificate).ToString(),
                certificate.NotBefore.ToUniversalTime(),
                certificate.NotAfter.ToUniversalTime(),
                heldBack);
        }

        return false;
    }

    /// <summary>Whether <paramref name="certificate"/> chains to the current bundle for client authentication.</summary>
    internal bool IsTrusted(X509Certificate2 certificate, IEnumerable<X509Certificate2>? presented, out string? problem)
    {
        if (_credentials.TrustedClientCaTrust is not { } trust)
        {
            problem = $"{FapiOptions.SectionName}:TrustedClientCaPath is not set";
            return false;
        }

        return trust.IsTrusted(certificate, presented, out problem);
    }
}
