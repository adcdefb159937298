namespace OpenEnergy.Fapi.Configuration;

/// <summary>Which roots are trusted for the authorization server's TLS certificate.</summary>
public enum AuthorizationServerTrust
{
    /// <summary>The system's roots, and the configured CA bundle for a server the system does not know. The default.</summary>
    SystemAndBundle = 0,

    /// <summary>Only the configured CA bundle (<c>AuthorizationServerCaPath</c> or certificates given in code); the system's roots are not used.</summary>
    BundleOnly,
}
