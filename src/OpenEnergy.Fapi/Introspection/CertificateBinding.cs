namespace OpenEnergy.Fapi.Introspection;

/// <summary>What an introspection answer's <c>cnf</c> member says about the RFC 8705 binding.</summary>
internal enum CertificateBinding
{
    /// <summary>No <c>cnf</c>, or a <c>cnf</c> without <c>x5t#S256</c> (perhaps a DPoP <c>jkt</c>).</summary>
    None = 0,

    /// <summary>A canonical <c>x5t#S256</c>.</summary>
    Bound,

    /// <summary>An <c>x5t#S256</c> string that is not canonical base64url of 32 bytes: an authorization-server fault.</summary>
    NonCanonical,

    /// <summary>A DPoP key binding (<c>cnf.jkt</c>), with or without <c>x5t#S256</c>: never accepted under Bearer (D-10).</summary>
    DpopBound,
}
