using System.Security.Cryptography.X509Certificates;

namespace OpenEnergy.Fapi.Client.Configuration;

/// <summary>
/// Settings of one consumer client, bound from a configuration section such as <c>OpenEnergy:FapiClient</c>
/// (<see cref="SectionName"/>) and validated at start-up. Named after the client (<c>AddOpenEnergyFapiClient(name, …)</c>).
/// </summary>
public sealed class FapiClientOptions : FapiClientSettings
{
    /// <summary>The conventional configuration section.</summary>
    public const string SectionName = "OpenEnergy:FapiClient";

    /// <summary>The transport certificate with its private key, given in code instead of <see cref="FapiClientSettings.CertificatePath"/>.</summary>
    public X509Certificate2? ClientCertificate { get; set; }

    /// <summary>CA certificates trusted for the authorization server, given in code (in addition to <see cref="FapiClientSettings.AuthorizationServerCaPath"/>).</summary>
    public X509Certificate2Collection AuthorizationServerCaCertificates { get; } = [];

    /// <summary>CA certificates trusted for providers, given in code (in addition to <see cref="FapiClientSettings.ProviderCaPath"/>).</summary>
    public X509Certificate2Collection ProviderCaCertificates { get; } = [];
}
