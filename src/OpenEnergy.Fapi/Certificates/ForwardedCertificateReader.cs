using System.Diagnostics.CodeAnalysis;
using System.Net;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using OpenEnergy.Fapi.Configuration;

namespace OpenEnergy.Fapi.Certificates;

/// <summary>
/// Reads the client certificate a TLS-terminating proxy forwards in <c>ClientCertificateHeader</c>, for any
/// host: believed only from <c>TrustedProxies</c>, refused when repeated, too long or undecodable, and memoized
/// per distinct header value (the same bytes always give the same thumbprint) in a cache bounded in entries and
/// in characters kept.
/// </summary>
public sealed class ForwardedCertificateReader : IDisposable
{
    // Each entry costs one unit plus one per KiB of header it keeps alive: at most 4,096 entries, and at most
    // about 4 million characters (8 MiB) of header values.
    private const int MemoUnits = 4096;
    private const int CharactersPerUnit = 1024;

    private readonly TrustedProxyList _trustedProxies;
    private readonly int _maxLength;
    private readonly MemoryCache _memo = new(new MemoryCacheOptions { SizeLimit = MemoUnits, CompactionPercentage = 0.2 });

    /// <summary>Creates a reader from the validator's options.</summary>
    /// <param name="options">The options; <see cref="FapiSettings.ClientCertificateHeader"/> switches the reader on.</param>
    public ForwardedCertificateReader(IOptions<FapiOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        FapiOptions o = options.Value;
        HeaderName = string.IsNullOrWhiteSpace(o.ClientCertificateHeader) ? null : o.ClientCertificateHeader;
        VerifyHeaderName = string.IsNullOrWhiteSpace(o.ClientCertificateVerifyHeader) ? null : o.ClientCertificateVerifyHeader;
        Format = o.ClientCertificateHeaderFormat;
        _maxLength = o.MaxForwardedCertificateHeaderLength;
        _trustedProxies = TrustedProxyList.Create(o.TrustedProxies);
    }

    /// <summary>The header carrying the certificate, or <see langword="null"/> when forwarding is off.</summary>
    public string? HeaderName { get; }

    /// <summary>The encoding of <see cref="HeaderName"/>.</summary>
    public ForwardedCertificateFormat Format { get; }

    /// <summary>The header carrying the proxy's own verdict on the chain (nginx <c>$ssl_client_verify</c>), if configured.</summary>
    public string? VerifyHeaderName { get; }

    /// <summary>Whether a peer may vouch for a client certificate.</summary>
    /// <param name="remoteAddress">The connection's peer address.</param>
    /// <param name="isUnixSocket">Whether the connection came over a UNIX domain socket.</param>
    public bool IsTrustedProxy(IPAddress? remoteAddress, bool isUnixSocket) => _trustedProxies.IsTrusted(remoteAddress, isUnixSocket);

    /// <summary>
    /// The forwarded certificate's thumbprint, when forwarding is on, the peer is trusted, the header occurs
    /// exactly once, is at most <c>MaxForwardedCertificateHeaderLength</c> characters long, the proxy's verdict (if
    /// configured) is <c>SUCCESS</c>, and the value decodes to a certificate.
    /// </summary>
    /// <param name="header">Every value of <see cref="HeaderName"/>.</param>
    /// <param name="verify">Every value of <see cref="VerifyHeaderName"/> (ignored when none is configured).</param>
    /// <param name="remoteAddress">The connection's peer address.</param>
    /// <param name="isUnixSocket">Whether the connection came over a UNIX domain socket.</param>
    /// <param name="thumbprint">The thumbprint when the method returns <see langword="true"/>.</param>
    public bool TryRead(StringValues header, StringValues verify, IPAddress? remoteAddress, bool isUnixSocket, out CertificateThumbprint thumbprint)
    {
        bool read = TryReadCertificate(header, verify, remoteAddress, isUnixSocket, out DirectoryCertificate? certificate);
        thumbprint = read ? certificate!.Thumbprint : default;
        return read;
    }

    /// <summary>
    /// As <see cref="TryRead(StringValues, StringValues, IPAddress?, bool, out CertificateThumbprint)"/>, with what the
    /// certificate says (roles, application, URI SANs), read once per distinct header value.
    /// </summary>
    /// <param name="header">Every value of <see cref="HeaderName"/>.</param>
    /// <param name="verify">Every value of <see cref="VerifyHeaderName"/> (ignored when none is configured).</param>
    /// <param name="remoteAddress">The connection's peer address.</param>
    /// <param name="isUnixSocket">Whether the connection came over a UNIX domain socket.</param>
    /// <param name="certificate">The certificate's thumbprint and details when the method returns <see langword="true"/>.</param>
    public bool TryReadCertificate(StringValues header, StringValues verify, IPAddress? remoteAddress, bool isUnixSocket, [NotNullWhen(true)] out DirectoryCertificate? certificate)
    {
        certificate = null;
        if (HeaderName is null || header.Count != 1 || !_trustedProxies.IsTrusted(remoteAddress, isUnixSocket))
        {
            return false;
        }

        if (VerifyHeaderName is not null && (verify.Count != 1 || !string.Equals(verify[0], "SUCCESS", StringComparison.Ordinal)))
        {
            return false;
        }

        string? value = header[0];
        if (string.IsNullOrEmpty(value) || value.Length > _maxLength)
        {
            return false;
        }

        // A string key hashes the whole value with the runtime's per-process randomized string hash (Marvin), so
        // values cannot be crafted to collide, and compares it whole.
        if (_memo.TryGetValue(value, out object? known))
        {
            certificate = known as DirectoryCertificate;
            return certificate is not null;
        }

        if (ForwardedCertificateDecoder.TryReadLeaf(value, Format, out CertificateThumbprint thumbprint, out byte[]? der))
        {
            // An XFCC element may carry the hash alone: then there is nothing more to read.
            certificate = der is null ? DirectoryCertificate.FromThumbprint(thumbprint) : DirectoryCertificateCache.GetOrParse(der, thumbprint);
        }

        // Failures are remembered too, so garbage costs one decode; the memo is bounded either way.
        using ICacheEntry entry = _memo.CreateEntry(value);
        entry.Value = certificate ?? (object)false;
        entry.Size = 1 + (value.Length / CharactersPerUnit);
        return certificate is not null;
    }

    /// <summary>The number of memoized header values (for tests).</summary>
    internal long MemoCount => _memo.Count;

    /// <inheritdoc />
    public void Dispose() => _memo.Dispose();
}
