namespace OpenEnergy.Fapi.Configuration;

/// <summary>How a token's <c>client_id</c> must relate to the client certificate (<c>OpenEnergy:Fapi:ClientIdBinding</c>).</summary>
public enum ClientIdBinding
{
    /// <summary>Not checked (Open Energy): the <c>cnf.x5t#S256</c> binding alone ties the token to the certificate.</summary>
    None = 0,

    /// <summary>
    /// IB1: the token's <c>client_id</c> must equal one of the certificate's URI subject alternative names (exact,
    /// ordinal), else 401 <c>invalid_token</c>. The <c>cnf.x5t#S256</c> binding is still required.
    /// </summary>
    CertificateUriSan,
}
