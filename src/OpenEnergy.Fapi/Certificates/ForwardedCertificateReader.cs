using System.Net;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using OpenEnergy.Fapi.Configuration;

namespace OpenEnergy.Fapi.Certificates;

/// <summary>
/// Reads the client certificate a TLS-terminating proxy forwards in <c>ClientCertificateHeader</c>, for any
/// host: believed only from <c>TrustedProxies</c>, refused when repeated or undecodable, and memoized per
/// distinct header value (the same bytes always give the same thumbprint) in a small bounded cache.
/// </summary>
public sealed class ForwardedCertificateReader : IDisposable
{
    private const int MemoSize = 10_000;

    private readonly TrustedProxyList _trustedProxies;
    private readonly ForwardedCertificateFormat _format;
    private readonly MemoryCache _memo = new(new MemoryCacheOptions { SizeLimit = MemoSize, CompactionPercentage = 0.2, Clock = Caching.CoarseSystemClock.Instance });

    /// <summary>Creates a reader from the validator's options.</summary>
    /// <param name="options">The options; <see cref="FapiOptions.ClientCertificateHeader"/> switches the reader on.</param>
    public ForwardedCertificateReader(IOptions<FapiOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        FapiOptions o = options.Value;
        HeaderName = string.IsNullOrWhiteSpace(o.ClientCertificateHeader) ? null : o.ClientCertificateHeader;
        VerifyHeaderName = string.IsNullOrWhiteSpace(o.ClientCertificateVerifyHeader) ? null : o.ClientCertificateVerifyHeader;
        _format = o.ClientCertificateHeaderFormat;
        _trustedProxies = TrustedProxyList.Create(o.TrustedProxies);
    }

    /// <summary>The header carrying the certificate, or <see langword="null"/> when forwarding is off.</summary>
    public string? HeaderName { get; }

    /// <summary>The header carrying the proxy's own verdict on the chain (nginx <c>$ssl_client_verify</c>), if configured.</summary>
    public string? VerifyHeaderName { get; }

    /// <summary>Whether a peer may vouch for a client certificate.</summary>
    /// <param name="remoteAddress">The connection's peer address.</param>
    /// <param name="isUnixSocket">Whether the connection came over a UNIX domain socket.</param>
    public bool IsTrustedProxy(IPAddress? remoteAddress, bool isUnixSocket) => _trustedProxies.IsTrusted(remoteAddress, isUnixSocket);

    /// <summary>
    /// The forwarded certificate's thumbprint, when forwarding is on, the peer is trusted, the header occurs
    /// exactly once, the proxy's verdict (if configured) is <c>SUCCESS</c>, and the value decodes to a certificate.
    /// </summary>
    /// <param name="header">Every value of <see cref="HeaderName"/>.</param>
    /// <param name="verify">Every value of <see cref="VerifyHeaderName"/> (ignored when none is configured).</param>
    /// <param name="remoteAddress">The connection's peer address.</param>
    /// <param name="isUnixSocket">Whether the connection came over a UNIX domain socket.</param>
    /// <param name="thumbprint">The thumbprint when the method returns <see langword="true"/>.</param>
    public bool TryRead(StringValues header, StringValues verify, IPAddress? remoteAddress, bool isUnixSocket, out CertificateThumbprint thumbprint)
    {
        thumbprint = default;
        if (HeaderName is null || header.Count != 1 || !_trustedProxies.IsTrusted(remoteAddress, isUnixSocket))
        {
            return false;
        }

        if (VerifyHeaderName is not null && (verify.Count != 1 || !string.Equals(verify[0], "SUCCESS", StringComparison.Ordinal)))
        {
            return false;
        }

        string value = header[0]!;
        if (_memo.TryGetValue(HeaderValueKey.Probe(value), out object? known))
        {
            if (known is CertificateThumbprint remembered)
            {
                thumbprint = remembered;
                return true;
            }

            return false;
        }

        bool decoded = ForwardedCertificateDecoder.TryGetThumbprint(value, _format, out thumbprint);
        if (value.Length <= ForwardedCertificateDecoder.MaxHeaderLength)
        {
            // Failures are remembered too, so garbage costs one decode; the memo is bounded either way.
            using ICacheEntry entry = _memo.CreateEntry(new HeaderValueKey(value));
            entry.Value = decoded ? thumbprint : false;
            entry.Size = 1;
            entry.SlidingExpiration = TimeSpan.FromMinutes(10);
        }

        return decoded;
    }

    /// <inheritdoc />
    public void Dispose() => _memo.Dispose();
}
