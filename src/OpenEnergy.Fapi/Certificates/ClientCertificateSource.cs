namespace OpenEnergy.Fapi.Certificates;

/// <summary>Where a request's client certificate came from.</summary>
public enum ClientCertificateSource
{
    /// <summary>No usable certificate.</summary>
    None = 0,

    /// <summary>The TLS handshake of this connection.</summary>
    TlsConnection,

    /// <summary>The header of a trusted TLS-terminating proxy.</summary>
    TrustedProxyHeader,
}
