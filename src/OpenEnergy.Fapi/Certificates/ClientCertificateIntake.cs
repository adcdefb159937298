using System.Net;
using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using OpenEnergy.Fapi.Configuration;
using OpenEnergy.Fapi.Diagnostics;

namespace OpenEnergy.Fapi.Certificates;

/// <summary>
/// Decides which client certificate a request presented, the same way for every host: the TLS connection's
/// certificate when there is one (any forwarding header is then ignored), else a trusted proxy's header, else
/// none. With <see cref="FapiSettings.TrustedClientCaPath"/> set, a connection's certificate counts only if it
/// chains to that bundle, judged once per connection: a host whose TLS settings were loosened (another
/// <c>ConfigureHttpsDefaults</c>, a permissive validation callback) still cannot widen trust.
/// </summary>
public sealed class ClientCertificateIntake
{
    private readonly ForwardedCertificateReader _forwarded;
    private readonly TrustedClientAuthorities _authorities;
    private readonly TimeProvider _time;
    private readonly long _verdictLifetimeTicks;
    private readonly ILogger _logger;
    private readonly ConditionalWeakTable<X509Certificate2, ConnectionCertificate> _connections = [];
    private readonly ConditionalWeakTable<X509Certificate2, ConnectionCertificate>.CreateValueCallback _judge;

    /// <summary>Creates the intake (by dependency injection).</summary>
    /// <param name="forwarded">Reads certificates forwarded by trusted proxies.</param>
    /// <param name="authorities">The directory CAs of <see cref="FapiSettings.TrustedClientCaPath"/>, as last loaded.</param>
    /// <param name="options">The validator options.</param>
    /// <param name="time">The clock (for how long a chain verdict is remembered when revocation is checked).</param>
    /// <param name="logger">The logger.</param>
    public ClientCertificateIntake(ForwardedCertificateReader forwarded, TrustedClientAuthorities authorities, IOptions<FapiOptions> options, TimeProvider time, ILogger<ClientCertificateIntake> logger)
    {
        ArgumentNullException.ThrowIfNull(forwarded);
        ArgumentNullException.ThrowIfNull(authorities);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _forwarded = forwarded;
        _authorities = authorities;
        _time = time;
        _logger = logger;
        // A verdict stands for the connection's life, unless the bundle is reloaded; with revocation checked, it
        // is made again after HealthProbeInterval, so a revoked certificate on a long-lived connection is caught.
        _verdictLifetimeTicks = options.Value.ClientCertificateRevocationMode == X509RevocationMode.NoCheck ? long.MaxValue : options.Value.HealthProbeInterval.Ticks;
        // One delegate for the lifetime of the intake: a method group would allocate one per request.
        _judge = Judge;
    }

    /// <summary>The header carrying a forwarded certificate, or <see langword="null"/> when forwarding is off.</summary>
    public string? HeaderName => _forwarded.HeaderName;

    /// <summary>The header carrying the proxy's own chain verdict, if configured.</summary>
    public string? VerifyHeaderName => _forwarded.VerifyHeaderName;

    /// <summary>The certificate the request presented.</summary>
    /// <param name="connectionCertificate">The TLS connection's client certificate, if the host terminates TLS.</param>
    /// <param name="header">Every value of <see cref="HeaderName"/> (empty when forwarding is off).</param>
    /// <param name="verify">Every value of <see cref="VerifyHeaderName"/>.</param>
    /// <param name="remoteAddress">The connection's peer address.</param>
    /// <param name="isUnixSocket">Whether the connection arrived on a UNIX domain socket (from its endpoint type).</param>
    public PresentedCertificate Resolve(X509Certificate2? connectionCertificate, StringValues header, StringValues verify, IPAddress? remoteAddress, bool isUnixSocket)
    {
        if (connectionCertificate is not null)
        {
            ConnectionCertificate known = _connections.GetValue(connectionCertificate, _judge);
            if (known.Generation != _authorities.Generation || _time.GetUtcNow().UtcTicks - known.JudgedAtTicks > _verdictLifetimeTicks)
            {
                known = Judge(connectionCertificate);
                _connections.AddOrUpdate(connectionCertificate, known);
            }

            return known.Trusted
                ? new PresentedCertificate(known.Details.Thumbprint, ClientCertificateSource.TlsConnection, connectionCertificate, details: known.Details)
                : PresentedCertificate.None;
        }

        if (_forwarded.HeaderName is null || header.Count == 0)
        {
            return PresentedCertificate.None;
        }

        if (_forwarded.TryReadCertificate(header, verify, remoteAddress, isUnixSocket, out DirectoryCertificate? forwarded))
        {
            return new PresentedCertificate(forwarded.Thumbprint, ClientCertificateSource.TrustedProxyHeader, forwardedHeader: header[0], forwardedFormat: _forwarded.Format, details: forwarded);
        }

        if (!_forwarded.IsTrustedProxy(remoteAddress, isUnixSocket))
        {
            _logger.UntrustedForwardedCertificate(remoteAddress?.ToString());
        }

        return PresentedCertificate.None;
    }

    private ConnectionCertificate Judge(X509Certificate2 certificate)
    {
        // Once per connection: the thumbprint and what the certificate says, from its DER.
        long generation = _authorities.Generation;
        DirectoryCertificate details = DirectoryCertificateCache.GetOrParse(certificate.RawDataMemory.Span, CertificateThumbprint.FromCertificate(certificate));
        bool trusted = !_authorities.IsConfigured || _authorities.IsTrusted(certificate, null, out _);
        if (!trusted)
        {
            _logger.UntrustedConnectionCertificate(details.Thumbprint.ToString());
        }

        return new ConnectionCertificate(details, trusted, generation, _time.GetUtcNow().UtcTicks);
    }

    private sealed record ConnectionCertificate(DirectoryCertificate Details, bool Trusted, long Generation, long JudgedAtTicks);
}
