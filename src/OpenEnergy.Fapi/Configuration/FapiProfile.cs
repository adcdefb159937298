namespace OpenEnergy.Fapi.Configuration;

/// <summary>Which scheme's rules the defaults follow (<c>OpenEnergy:Fapi:Profile</c>); individual keys still override them.</summary>
public enum FapiProfile
{
    /// <summary>Open Energy (the default): opaque tokens by introspection, <c>cnf.x5t#S256</c> binding, TLS 1.2 and 1.3.</summary>
    OpenEnergy = 0,

    /// <summary>
    /// The Icebreaker One Trust Framework: also the token's <c>client_id</c> bound to the certificate's URI SAN,
    /// TLS 1.3 only, and a directory-role requirement on every protected endpoint (fail closed).
    /// </summary>
    Ib1,
}
