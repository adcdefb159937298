using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenEnergy.Fapi.Caching;
using OpenEnergy.Fapi.Certificates;
using OpenEnergy.Fapi.Configuration;
using OpenEnergy.Fapi.HealthChecks;
using OpenEnergy.Fapi.Introspection;

namespace OpenEnergy.Fapi.Diagnostics;

/// <summary>
/// What the validator says as the host starts: one Information line with the facts an operator checks first
/// (issuer, client id, transport certificate, where client certificates come from, cache, profile); a Warning for
/// each silent misconfiguration it can see (no client-certificate source, a certificate near or past its expiry);
/// and a discovery probe in the background, so an unreachable authorization server is named in the log at once
/// rather than by the first request's 503. Start-up never waits for the probe. Loading the key material here also
/// starts watching its files.
/// </summary>
internal sealed class FapiStartupReport : IHostedService, IDisposable
{
    private readonly IServiceProvider _services;
    private readonly FapiOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();

    public FapiStartupReport(IServiceProvider services, IOptions<FapiOptions> options, TimeProvider time, ILogger<FapiStartupReport> logger)
    {
        _services = services;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <summary>The background discovery probe (for tests).</summary>
    internal Task Probe { get; private set; } = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var credentials = (ProviderCredentials)_services.GetService(typeof(ProviderCredentials))!;
        X509Certificate2 transport = credentials.ClientCertificate;
        bool shared = _services.GetService(typeof(SharedIntrospectionCache)) is not null;
        string source = ClientCertificateSourceDescription(out bool none);
        _logger.StartupSummary(
            _options.Issuer,
            _options.ClientId,
            _options.Profile,
            _options.EffectiveAccessTokenFormat,
            transport.Subject,
            CertificateThumbprint.FromCertificate(transport).ToString(),
            transport.NotAfter.ToUniversalTime(),
            source,
            _options.CacheDuration,
            _options.InactiveCacheDuration,
            _options.CacheSizeLimit,
            shared ? "shared (" + _options.SharedCache.KeyPrefix + "*)" : "this process only");
        if (none)
        {
            _logger.NoClientCertificateSource();
        }

        DateTime now = _time.GetUtcNow().UtcDateTime;
        foreach ((string role, X509Certificate2 certificate) in credentials.CertificatesInUse())
        {
            WarnOnExpiry(role, certificate, now);
        }

        Probe = ProbeDiscoveryAsync();
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
    }

    public void Dispose() => _stopping.Dispose();

    private string ClientCertificateSourceDescription(out bool none)
    {
        var sources = new List<string>();
        if (!string.IsNullOrWhiteSpace(_options.TrustedClientCaPath))
        {
            sources.Add($"the TLS connection, when the host asks for one (UseOpenEnergyFapiMutualTls), judged against the CAs of {_options.TrustedClientCaPath}");
        }

        if (!string.IsNullOrWhiteSpace(_options.ClientCertificateHeader))
        {
            string proxies = _options.TrustedProxies.Count == 0 ? "loopback and UNIX-socket connections" : string.Join(", ", _options.TrustedProxies);
            sources.Add($"the {_options.ClientCertificateHeader} header from trusted proxies ({proxies})");
        }

        none = sources.Count == 0;
        return none ? "NONE" : string.Join(" or ", sources);
    }

    private void WarnOnExpiry(string what, X509Certificate2 certificate, DateTime now)
    {
        (HealthStatus status, string? problem) = CertificateExpiry.Judge(certificate, now, _options.HealthCertificateExpiryWarning);
        if (status != HealthStatus.Healthy)
        {
            _logger.CertificateExpiring(what, certificate.Subject, problem!);
        }
    }

    private async Task ProbeDiscoveryAsync()
    {
        if (!string.IsNullOrWhiteSpace(_options.IntrospectionEndpoint) && !_options.UsesSigningKeys)
        {
            return;
        }

        // Yields first: start-up goes on while the probe runs.
        await Task.Yield();
        try
        {
            var metadata = (AuthorizationServerMetadataProvider)_services.GetService(typeof(AuthorizationServerMetadataProvider))!;
            _ = await metadata.GetAsync(_stopping.Token);
        }
        catch (AuthorizationServerUnavailableException)
        {
            // The provider logged the URL and the error; requests get 503 until the server answers.
        }
        catch (OperationCanceledException)
        {
            // The host stopped first.
        }
    }
}
