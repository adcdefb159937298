using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpenEnergy.Fapi.Certificates;
using OpenEnergy.Fapi.Diagnostics;
using OpenEnergy.Fapi.Introspection;

namespace OpenEnergy.Fapi.Configuration;

/// <summary>
/// The provider's key material, kept current: its transport certificate and key (its TLS identity towards the
/// authorization server), the CAs it trusts for that server, and the directory CAs it trusts for client
/// certificates on direct TLS. Material read from files is read again when the files change (see
/// <see cref="CertificateFileWatch"/>); a changed file that does not load keeps the old material and logs an
/// error, so a half-written replacement never takes the provider down. Each change raises <see cref="Generation"/>,
/// which tells connection pools and memoized chain verdicts that they are out of date.
/// </summary>
internal sealed class ProviderCredentials : IDisposable
{
    private readonly FapiOptions _options;
    private readonly ILogger _logger;
    private readonly Lock _reloadGate = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _failures = new(StringComparer.Ordinal);
    private readonly CertificateFileWatch? _watch;
    private volatile Material _current;

    private ProviderCredentials(FapiOptions options, Material material, TimeProvider? time, ILogger logger)
    {
        _options = options;
        _logger = logger;
        _current = material;
        AuthorizationServerTrust = new AuthorizationServerCertificateValidator(() => _current.AuthorizationServerBundle, options.AuthorizationServerTrust);
        string[] files = [.. WatchedFiles(options)];
        if (time is not null && files.Length > 0)
        {
            _watch = new CertificateFileWatch(files, options.CertificateReloadInterval, () => Reload(), time, logger);
        }
    }

    /// <summary>The transport certificate, with its private key.</summary>
    public X509Certificate2 ClientCertificate => _current.ClientCertificate;

    /// <summary>The chain check for client certificates on direct TLS, or <see langword="null"/> without <see cref="FapiSettings.TrustedClientCaPath"/>.</summary>
    public CustomRootTrust? TrustedClientCaTrust => _current.TrustedClientTrust;

    /// <summary>
    /// Every certificate in use with what it is for, named with its setting: the transport certificate, then each CA
    /// trusted for the authorization server and for client certificates (expiry checks at start-up and in health).
    /// </summary>
    public IEnumerable<(string Role, X509Certificate2 Certificate)> CertificatesInUse()
    {
        Material current = _current;
        yield return ("the transport certificate (CertificatePath)", current.ClientCertificate);
        foreach (X509Certificate2 ca in current.AuthorizationServerCas)
        {
            yield return ("an authorization server CA (AuthorizationServerCaPath)", ca);
        }

        foreach (X509Certificate2 ca in current.TrustedClientCas ?? [])
        {
            yield return ("a trusted client CA (TrustedClientCaPath)", ca);
        }
    }

    /// <summary>Raised by one each time any material changes.</summary>
    public long Generation => _current.Generation;

    /// <summary>Raised after material changed (for tests, which wait on it rather than poll).</summary>
    internal event Action? Changed;

    /// <summary>How the authorization server's certificate is judged, always against the current bundle.</summary>
    public AuthorizationServerCertificateValidator AuthorizationServerTrust { get; }

    /// <summary>
    /// Loads the configured material without watching it (start-up validation); throws
    /// <see cref="InvalidOperationException"/> with a message naming the key and the fix.
    /// </summary>
    public static ProviderCredentials Load(FapiOptions options) => new(options, Material.Load(options), null, NullLogger.Instance);

    /// <summary>Loads the configured material and watches its files for changes.</summary>
    public static ProviderCredentials LoadAndWatch(FapiOptions options, TimeProvider time, ILogger<ProviderCredentials> logger)
        => new(options, Material.Load(options), time, logger);

    /// <summary>
    /// Reads every configured file again and takes what changed and loads; returns whether anything changed.
    /// Called by the file watch; safe to call at any time.
    /// </summary>
    public bool Reload()
    {
        lock (_reloadGate)
        {
            Material old = _current;
            Material next = old;
            if (old.TransportFingerprint is { } transportBefore)
            {
                next = TryReload(next, transportBefore, [_options.CertificatePath!, _options.PrivateKeyPath!], "CertificatePath/PrivateKeyPath", m =>
                {
                    X509Certificate2 certificate = TransportCertificate.Load(_options.CertificatePath, _options.PrivateKeyPath, _options.PrivateKeyPassword, FapiOptions.SectionName, "the provider's");
                    _logger.TransportCertificateReloaded(certificate.Subject, CertificateThumbprint.FromCertificate(certificate).ToString(), certificate.NotAfter.ToUniversalTime());
                    return m with { ClientCertificate = certificate };
                }, (m, f) => m with { TransportFingerprint = f });
            }

            if (old.AuthorizationServerBundleFingerprint is { } serverBefore)
            {
                next = TryReload(next, serverBefore, [_options.AuthorizationServerCaPath!], "AuthorizationServerCaPath", m =>
                {
                    X509Certificate2Collection cas = Material.LoadAuthorizationServerCas(_options);
                    _logger.CaBundleReloaded("AuthorizationServerCaPath", _options.AuthorizationServerCaPath!, cas.Count);
                    return m with { AuthorizationServerCas = cas, AuthorizationServerBundle = new CustomRootTrust(cas, CustomRootTrust.ServerAuthentication) };
                }, (m, f) => m with { AuthorizationServerBundleFingerprint = f });
            }

            if (old.TrustedClientFingerprint is { } clientBefore)
            {
                next = TryReload(next, clientBefore, [_options.TrustedClientCaPath!], "TrustedClientCaPath", m =>
                {
                    X509Certificate2Collection cas = CertificateAuthorityBundle.Load(_options.TrustedClientCaPath!, nameof(FapiOptions.TrustedClientCaPath));
                    _logger.CaBundleReloaded("TrustedClientCaPath", _options.TrustedClientCaPath!, cas.Count);
                    return m with { TrustedClientCas = cas, TrustedClientTrust = Material.ClientTrust(cas, _options) };
                }, (m, f) => m with { TrustedClientFingerprint = f });
            }

            bool changed = !ReferenceEquals(next.ClientCertificate, old.ClientCertificate)
                || !ReferenceEquals(next.AuthorizationServerBundle, old.AuthorizationServerBundle)
                || !ReferenceEquals(next.TrustedClientTrust, old.TrustedClientTrust);
            _current = changed ? next with { Generation = old.Generation + 1 } : next;
            if (changed)
            {
                Changed?.Invoke();
            }

            return changed;
        }
    }

    public void Dispose() => _watch?.Dispose();

    private Material TryReload(Material current, byte[] before, string[] files, string setting, Func<Material, Material> load, Func<Material, byte[], Material> remember)
    {
        // An unreadable file has the fingerprint "unreadable" (empty), so it too is reported once, not every check.
        byte[] now = Fingerprint(files) ?? [];
        if (now.AsSpan().SequenceEqual(before))
        {
            return current;
        }

        string key = FapiOptions.SectionName + ":" + setting;
        try
        {
            // The fingerprint is taken before loading: a file replaced again meanwhile is read again next time.
            Material loaded = remember(load(current), now);
            _failures.TryRemove(key, out _);
            return loaded;
        }
        catch (Exception ex) when (ex is InvalidOperationException or CryptographicException or IOException or UnauthorizedAccessException)
        {
            _logger.CredentialReloadFailed(key, ex.Message);
            _failures[key] = ex.Message;
            // Remembered as seen: the same broken content is reported once, and fixed content differs from it.
            return remember(current, now);
        }
    }

    /// <summary>
    /// The settings whose files changed but could not be loaded, with why: the material in use is older than the
    /// files (a CA meant to be dropped may still be trusted). Reported by the certificate health check.
    /// </summary>
    public IReadOnlyDictionary<string, string> ReloadFailures => _failures;

    private static IEnumerable<string> WatchedFiles(FapiOptions options)
    {
        if (options.ClientCertificate is null)
        {
            yield return options.CertificatePath!;
            yield return options.PrivateKeyPath!;
        }

        if (!string.IsNullOrWhiteSpace(options.AuthorizationServerCaPath))
        {
            yield return options.AuthorizationServerCaPath;
        }

        if (!string.IsNullOrWhiteSpace(options.TrustedClientCaPath))
        {
            yield return options.TrustedClientCaPath;
        }
    }

    /// <summary>The SHA-256 of the files' contents in order, or <see langword="null"/> when one cannot be read.</summary>
    internal static byte[]? Fingerprint(IEnumerable<string> files)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        try
        {
            foreach (string file in files)
            {
                hash.AppendData(File.ReadAllBytes(Path.GetFullPath(file)));
                hash.AppendData([0]);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        return hash.GetHashAndReset();
    }

    private sealed record Material(
        X509Certificate2 ClientCertificate,
        X509Certificate2Collection AuthorizationServerCas,
        CustomRootTrust AuthorizationServerBundle,
        X509Certificate2Collection? TrustedClientCas,
        CustomRootTrust? TrustedClientTrust,
        byte[]? TransportFingerprint,
        byte[]? AuthorizationServerBundleFingerprint,
        byte[]? TrustedClientFingerprint,
        long Generation)
    {
        public static Material Load(FapiOptions options)
        {
            byte[]? transportFingerprint = options.ClientCertificate is null ? FingerprintOrEmpty([options.CertificatePath, options.PrivateKeyPath]) : null;
            X509Certificate2 certificate = options.ClientCertificate
                ?? TransportCertificate.Load(options.CertificatePath, options.PrivateKeyPath, options.PrivateKeyPassword, FapiOptions.SectionName, "the provider's");
            if (!certificate.HasPrivateKey)
            {
                throw new InvalidOperationException(
                    $"{FapiOptions.SectionName}:ClientCertificate has no private key. Give a certificate with its key, or set CertificatePath and PrivateKeyPath.");
            }

            byte[]? serverFingerprint = string.IsNullOrWhiteSpace(options.AuthorizationServerCaPath) ? null : FingerprintOrEmpty([options.AuthorizationServerCaPath]);
            X509Certificate2Collection serverCas = LoadAuthorizationServerCas(options);
            if (options.AuthorizationServerTrust == Configuration.AuthorizationServerTrust.BundleOnly && serverCas.Count == 0)
            {
                throw new InvalidOperationException(
                    $"{FapiOptions.SectionName}:AuthorizationServerTrust is BundleOnly but no bundle is configured: set AuthorizationServerCaPath to the PEM bundle of the authorization server's CAs.");
            }

            X509Certificate2Collection? clientCas = null;
            byte[]? clientFingerprint = null;
            if (!string.IsNullOrWhiteSpace(options.TrustedClientCaPath))
            {
                clientFingerprint = FingerprintOrEmpty([options.TrustedClientCaPath]);
                clientCas = CertificateAuthorityBundle.Load(options.TrustedClientCaPath, nameof(FapiOptions.TrustedClientCaPath));
            }

            return new Material(
                certificate,
                serverCas,
                new CustomRootTrust(serverCas, CustomRootTrust.ServerAuthentication),
                clientCas,
                clientCas is null ? null : ClientTrust(clientCas, options),
                transportFingerprint,
                serverFingerprint,
                clientFingerprint,
                0);
        }

        public static X509Certificate2Collection LoadAuthorizationServerCas(FapiOptions options)
        {
            var cas = new X509Certificate2Collection(options.AuthorizationServerCaCertificates);
            if (!string.IsNullOrWhiteSpace(options.AuthorizationServerCaPath))
            {
                cas.AddRange(CertificateAuthorityBundle.Load(options.AuthorizationServerCaPath, "AuthorizationServerCaPath"));
            }

            return cas;
        }

        public static CustomRootTrust ClientTrust(X509Certificate2Collection cas, FapiOptions options)
            => new(cas, CustomRootTrust.ClientAuthentication, options.ClientCertificateRevocationMode);

        private static byte[] FingerprintOrEmpty(string?[] files) => files.Any(string.IsNullOrWhiteSpace) ? [] : Fingerprint(files!) ?? [];
    }
}
