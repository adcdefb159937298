using System.Net.Security;
using System.Security.Authentication;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenEnergy.Fapi.AspNetCore.Kestrel;
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
    /// list, on Linux) or TLS 1.3. An endpoint's own <c>ClientCertificateMode</c> in configuration still applies.
    /// </summary>
    /// <param name="builder">The web host builder.</param>
    public static IWebHostBuilder UseOpenEnergyFapiMutualTls(this IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.ConfigureServices(services =>
            services.AddSingleton<IConfigureOptions<KestrelServerOptions>, ConfigureFapiKestrel>());
    }

    /// <summary>Applies the FAPI TLS settings to one set of HTTPS options.</summary>
    /// <param name="https">The HTTPS options.</param>
    /// <param name="options">The validator options (for the CA bundle and revocation mode).</param>
    public static void ConfigureFapiMutualTls(this HttpsConnectionAdapterOptions https, FapiOptions options)
    {
        ArgumentNullException.ThrowIfNull(https);
        ArgumentNullException.ThrowIfNull(options);
        FapiClientCertificateValidator validator = FapiClientCertificateValidator.FromOptions(options);
        https.SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13;
        https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
        https.CheckCertificateRevocation = options.ClientCertificateRevocationMode != System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck;
        https.ClientCertificateValidation = validator.Validate;
        if (OperatingSystem.IsLinux())
        {
            var policy = new CipherSuitesPolicy(FapiCipherSuites);
            https.OnAuthenticate = (_, ssl) => ssl.CipherSuitesPolicy = policy;
        }
    }

    private sealed class ConfigureFapiKestrel : IConfigureOptions<KestrelServerOptions>
    {
        private readonly IOptions<FapiOptions> _options;

        public ConfigureFapiKestrel(IOptions<FapiOptions> options) => _options = options;

        public void Configure(KestrelServerOptions options)
            => options.ConfigureHttpsDefaults(https => https.ConfigureFapiMutualTls(_options.Value));
    }
}
