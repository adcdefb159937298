namespace OpenEnergy.Fapi.Testing;

/// <summary>Deliberate faults <see cref="FakeAuthorizationServer.IssueJwt"/> can build into a JWT, each of which a validator must refuse.</summary>
public enum FakeJwtDefect
{
    /// <summary>A well-formed token (the default).</summary>
    None = 0,

    /// <summary>Signed with a key the server does not publish, under the <c>kid</c> of one it does.</summary>
    UnpublishedKey,

    /// <summary>Header <c>alg</c> <c>none</c> and an empty signature.</summary>
    AlgorithmNone,

    /// <summary>Header <c>alg</c> HS256, signed with HMAC keyed by the published RSA key (its DER public key) under that key's <c>kid</c>.</summary>
    HmacWithPublicKey,

    /// <summary>Header <c>alg</c> ES256 under the <c>kid</c> of the RSA key (signed with the EC key).</summary>
    Es256HeaderOnRsaKey,

    /// <summary>A correct RS256 signature by the published RSA key: refused unless RS256 is allowed.</summary>
    Rs256,

    /// <summary>A correct signature over other claims: one byte of the payload changed after signing.</summary>
    TamperedPayload,
}
