namespace OpenEnergy.Fapi.Configuration;

/// <summary>The TLS versions Kestrel's mutual TLS accepts (<c>OpenEnergy:Fapi:TlsProtocols</c>).</summary>
public enum FapiTlsProtocols
{
    /// <summary>TLS 1.2 (FAPI cipher list) and TLS 1.3: the Open Energy default.</summary>
    Tls12AndTls13 = 0,

    /// <summary>TLS 1.3 only: the IB1 default.</summary>
    Tls13,
}
