using System.Security.Cryptography.X509Certificates;
using OpenEnergy.Fapi.Certificates;

namespace OpenEnergy.Fapi.Configuration;

/// <summary>
/// Settings of the Open Energy FAPI validator, bound from the configuration section
/// <c>OpenEnergy:Fapi</c> (<see cref="SectionName"/>). Validated at start-up.
/// </summary>
public sealed class FapiOptions : FapiSettings
{
    /// <summary>The configuration section the options bind from.</summary>
    public const string SectionName = "OpenEnergy:Fapi";

    /// <summary>The client-id binding in force: the explicit setting, else the profile's default.</summary>
    public ClientIdBinding EffectiveClientIdBinding
        => ClientIdBinding ?? (Profile == FapiProfile.Ib1 ? Configuration.ClientIdBinding.CertificateUriSan : Configuration.ClientIdBinding.None);

    /// <summary>The TLS versions in force: the explicit setting, else the profile's default.</summary>
    public FapiTlsProtocols EffectiveTlsProtocols
        => TlsProtocols ?? (Profile == FapiProfile.Ib1 ? FapiTlsProtocols.Tls13 : FapiTlsProtocols.Tls12AndTls13);

    /// <summary>The token format in force: the explicit setting, else the profile's default.</summary>
    public AccessTokenFormat EffectiveAccessTokenFormat
        => AccessTokenFormat ?? (Profile == FapiProfile.Ib1 ? Configuration.AccessTokenFormat.Auto : Configuration.AccessTokenFormat.Opaque);

    /// <summary>The algorithms in force: <see cref="FapiSettings.AllowedSigningAlgorithms"/>, else PS256 and ES256.</summary>
    public IReadOnlyList<string> EffectiveSigningAlgorithms
        => AllowedSigningAlgorithms.Count == 0 ? Jwt.JwsAlgorithms.Default : [.. AllowedSigningAlgorithms];

    /// <summary>Whether the issuer's signing keys are needed: JWT access tokens may arrive, or introspection answers are signed.</summary>
    internal bool UsesSigningKeys
        => EffectiveAccessTokenFormat != Configuration.AccessTokenFormat.Opaque || IntrospectionResponseFormat == IntrospectionResponseFormat.Jwt;

    /// <summary>The transport certificate with its private key, given in code instead of <see cref="FapiSettings.CertificatePath"/>.</summary>
    public X509Certificate2? ClientCertificate { get; set; }

    /// <summary>CA certificates trusted for the authorization server, given in code (in addition to <see cref="FapiSettings.AuthorizationServerCaPath"/>).</summary>
    public X509Certificate2Collection AuthorizationServerCaCertificates { get; } = [];
}
