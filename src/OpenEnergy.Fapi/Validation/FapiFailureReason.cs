namespace OpenEnergy.Fapi.Validation;

/// <summary>Why a request was refused. Stable names, for logs, metrics and provider policy.</summary>
public enum FapiFailureReason
{
    /// <summary>No <c>Authorization: Bearer</c> credentials (401, no error code).</summary>
    NoCredentials = 1,

    /// <summary>More than one <c>Authorization</c> header (400 <c>invalid_request</c>).</summary>
    MultipleAuthorizationHeaders,

    /// <summary>The token was sent in the header and also in the query or body (400 <c>invalid_request</c>).</summary>
    TokenInMultiplePlaces,

    /// <summary>A Bearer header without a syntactically valid <c>b64token</c> (400 <c>invalid_request</c>).</summary>
    MalformedToken,

    /// <summary>A token longer than <see cref="Introspection.IntrospectionLimits.MaxTokenLength"/> (400 <c>invalid_request</c>).</summary>
    TokenTooLong,

    /// <summary>A token but no usable client certificate (401 <c>invalid_token</c>).</summary>
    MissingClientCertificate,

    /// <summary>The introspection answer has no <c>active</c> member (400 <c>invalid_request</c>).</summary>
    IntrospectionMissingActive,

    /// <summary><c>active</c> is not the literal <c>true</c> (401 <c>invalid_token</c>).</summary>
    TokenInactive,

    /// <summary>A member of the introspection answer has the wrong JSON type (401 <c>invalid_token</c>).</summary>
    MalformedTokenMetadata,

    /// <summary><c>iat</c> lies further in the future than the clock skew (401 <c>invalid_token</c>).</summary>
    TokenIssuedInFuture,

    /// <summary><c>nbf</c> lies further in the future than the clock skew (401 <c>invalid_token</c>).</summary>
    TokenNotYetValid,

    /// <summary><c>exp</c> has passed (401 <c>invalid_token</c>).</summary>
    TokenExpired,

    /// <summary><c>iss</c> differs from the authorization server's issuer (401 <c>invalid_token</c>).</summary>
    IssuerMismatch,

    /// <summary><c>token_type</c> is not <c>Bearer</c> (401 <c>invalid_token</c>).</summary>
    WrongTokenType,

    /// <summary>No <c>cnf.x5t#S256</c>: the token is not bound to a certificate (401 <c>invalid_token</c>).</summary>
    TokenNotCertificateBound,

    /// <summary>The token is bound to another certificate than the one presented (401 <c>invalid_token</c>).</summary>
    CertificateMismatch,

    /// <summary>The token lacks a required scope (403 <c>insufficient_scope</c>).</summary>
    InsufficientScope,

    /// <summary>The authorization server gave no verdict: outage, timeout, TLS failure, bad answer (503).</summary>
    AuthorizationServerUnavailable,

    /// <summary>Refused by provider policy (an <c>OnValidated</c> hook): 403 <c>access_denied</c>.</summary>
    PolicyRejected,

    /// <summary>The token is bound to a DPoP key (<c>cnf.jkt</c>) and was sent as a bearer token (401 <c>invalid_token</c>).</summary>
    DpopBoundToken,

    /// <summary>
    /// The presenting client (by certificate thumbprint) already has its share of authorization-server calls
    /// under way (429 <c>too_many_requests</c> with <c>Retry-After</c>, no challenge); no call was made.
    /// </summary>
    TooManyIntrospections,

    /// <summary>
    /// The token's <c>client_id</c> is not one of the client certificate's URI subject alternative names, with
    /// <c>ClientIdBinding = CertificateUriSan</c> (401 <c>invalid_token</c>).
    /// </summary>
    ClientIdNotBoundToCertificate,

    /// <summary>The client certificate has none of the directory roles a role requirement accepts (403 <c>access_denied</c>).</summary>
    MissingDirectoryRole,

    /// <summary>
    /// The IB1 profile requires a role requirement on every protected endpoint and this one has none, neither its
    /// own nor <c>AcceptedRoles</c> (403 <c>access_denied</c>; fail closed, logged as an error).
    /// </summary>
    NoRoleRequirement,
}
