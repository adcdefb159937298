using System.Net.Security;
using System.Reflection;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenEnergy.Fapi.Certificates;
using OpenEnergy.Fapi.Configuration;

namespace Microsoft.AspNetCore.Hosting;

/// <summary>Kestrel terminating mutual TLS itself, the FAPI way.</summary>
public static class FapiKestrelExtensions
{
    /// <summary>The TLS 1.2 suites FAPI 1 Advanced allows with an RSA server key, plus every TLS 1.3 suite.</summary>
    public static readonly IReadOnlyList<TlsCipherSuite> FapiCipherSuites =
    [
        TlsCipherSuite.TLS_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_DHE_RSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_DHE_RSA_WITH_AES_256_GCM_SHA384,
    ];

    /// <summary>
    /// Makes every HTTPS endpoint (configured in code or under <c>Kestrel:Endpoints</c>) require a client
    /// certificate that chains to <c>OpenEnergy:Fapi:TrustedClientCaPath</c> only, over TLS 1.2 (FAPI cipher
    /// list, on Linux) or TLS 1.3. An application's own <c>ConfigureHttpsDefaults</c> is composed with these
    /// settings (it runs after them), never lost; whatever it changes, the validator still counts a connection's
    /// certificate only if it chains to <c>TrustedClientCaPath</c>.
    /// </summary>
    /// <param name="builder">The web host builder.</param>
    public static IWebHostBuilder UseOpenEnergyFapiMutualTls(this IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.ConfigureServices(services =>
        {
            services.AddSingleton<ConfigureFapiKestrel>();
            services.AddSingleton<IConfigureOptions<KestrelServerOptions>>(sp => sp.GetRequiredService<ConfigureFapiKestrel>());
            services.AddSingleton<IPostConfigureOptions<KestrelServerOptions>>(sp => sp.GetRequiredService<ConfigureFapiKestrel>());
        });
    }

    /// <summary>
    /// Applies the FAPI TLS settings to one set of HTTPS options, with a CA bundle read once from
    /// <c>TrustedClientCaPath</c>. Prefer the overload taking <see cref="TrustedClientAuthorities"/> (from the
    /// service provider), which follows a replaced bundle file and logs refused handshakes.
    /// </summary>
    /// <param name="https">The HTTPS options.</param>
    /// <param name="options">The validator options (for the CA bundle, the revocation mode and the TLS versions).</param>
    public static void ConfigureFapiMutualTls(this HttpsConnectionAdapterOptions https, FapiOptions options)
    {
        ArgumentNullException.ThrowIfNull(https);
        ArgumentNullException.ThrowIfNull(options);
        RequireBundle(options);
        var trust = new CustomRootTrust(
            CertificateAuthorityBundle.Load(options.TrustedClientCaPath!, nameof(FapiOptions.TrustedClientCaPath)),
            CustomRootTrust.ClientAuthentication,
            options.ClientCertificateRevocationMode);
        Apply(https, options, (certificate, chain) => trust.IsTrusted(certificate, chain?.ChainElements.Select(e => e.Certificate)));
    }

    /// <summary>
    /// Applies the FAPI TLS settings to one set of HTTPS options: a client certificate is required and must chain to
    /// the directory CAs of <paramref name="authorities"/>, as last loaded (a replaced <c>TrustedClientCaPath</c>
    /// counts from the next handshake on); a refused certificate is logged with the reason.
    /// </summary>
    /// <param name="https">The HTTPS options.</param>
    /// <param name="options">The validator options (for the revocation mode and the TLS versions).</param>
    /// <param name="authorities">The trusted client CAs, from the service provider.</param>
    public static void ConfigureFapiMutualTls(this HttpsConnectionAdapterOptions https, FapiOptions options, TrustedClientAuthorities authorities)
    {
        ArgumentNullException.ThrowIfNull(https);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(authorities);
        RequireBundle(options);
        Apply(https, options, authorities.ValidateHandshake);
    }

    private static void RequireBundle(FapiOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.TrustedClientCaPath))
        {
            throw new InvalidOperationException(
                $"{FapiOptions.SectionName}:TrustedClientCaPath is required for mutual TLS on Kestrel: point it at the PEM bundle of the directory's CA certificates.");
        }
    }

    private static void Apply(HttpsConnectionAdapterOptions https, FapiOptions options, Func<X509Certificate2, X509Chain?, bool> validate)
    {
        // IB1 asks for TLS 1.3 only (OpenEnergy:Fapi:TlsProtocols, or the Ib1 profile's default).
        https.SslProtocols = options.EffectiveTlsProtocols == FapiTlsProtocols.Tls13 ? SslProtocols.Tls13 : SslProtocols.Tls12 | SslProtocols.Tls13;
        https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
        https.CheckCertificateRevocation = options.ClientCertificateRevocationMode != X509RevocationMode.NoCheck;
        https.ClientCertificateValidation = (certificate, chain, _) => validate(certificate, chain);
        if (OperatingSystem.IsLinux())
        {
            var policy = new CipherSuitesPolicy(FapiCipherSuites);
            Action<Connections.ConnectionContext, SslServerAuthenticationOptions>? earlier = https.OnAuthenticate;
            https.OnAuthenticate = (connection, ssl) =>
            {
                earlier?.Invoke(connection, ssl);
                ssl.CipherSuitesPolicy = policy;
            };
        }
    }

    /// <summary>
    /// Kestrel keeps one <c>ConfigureHttpsDefaults</c> delegate and offers no public way to read it, so whoever
    /// sets it last wins. The FAPI settings are composed with the application's delegate both when these options
    /// are configured (for endpoints the application creates in code afterwards) and once every configuration ran
    /// (for endpoints from <c>Kestrel:Endpoints</c> and URLs): the FAPI settings first, the application's after
    /// them. Endpoints created in code in between get the application's delegate alone; for those, as for any
    /// loosened handshake, the per-connection chain check of the certificate intake still holds.
    /// </summary>
    private sealed class ConfigureFapiKestrel : IConfigureOptions<KestrelServerOptions>, IPostConfigureOptions<KestrelServerOptions>
    {
        private static readonly PropertyInfo? HttpsDefaults =
            typeof(KestrelServerOptions).GetProperty("HttpsDefaults", BindingFlags.Instance | BindingFlags.NonPublic);

        private readonly Action<HttpsConnectionAdapterOptions> _fapi;

        public ConfigureFapiKestrel(IServiceProvider services)
        {
            // Resolved when an endpoint is configured, after the options were validated at start-up.
            _fapi = https => https.ConfigureFapiMutualTls(
                services.GetRequiredService<IOptions<FapiOptions>>().Value, services.GetRequiredService<TrustedClientAuthorities>());
        }

        public void Configure(KestrelServerOptions options) => Compose(options);

        public void PostConfigure(string? name, KestrelServerOptions options) => Compose(options);

        private void Compose(KestrelServerOptions options)
        {
            if (HttpsDefaults?.GetValue(options) is not Action<HttpsConnectionAdapterOptions> current)
            {
                // An unknown Kestrel: ours go last. The per-connection chain check holds either way.
                options.ConfigureHttpsDefaults(_fapi);
                return;
            }

            if (current.Target is ComposedDefaults { Fapi: var fapi } && ReferenceEquals(fapi, _fapi))
            {
                return;
            }

            options.ConfigureHttpsDefaults(new ComposedDefaults(_fapi, current).Apply);
        }
    }

    /// <summary>The FAPI settings, then the application's own defaults.</summary>
    private sealed record ComposedDefaults(Action<HttpsConnectionAdapterOptions> Fapi, Action<HttpsConnectionAdapterOptions> Application)
    {
        public void Apply(HttpsConnectionAdapterOptions https)
        {
            Fapi(https);
            Application(https);
        }
    }
}
