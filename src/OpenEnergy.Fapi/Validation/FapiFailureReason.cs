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

    /// <summary>With <c>AccessTokenFormat = Jwt</c>: the token is not a signed JWT (opaque, malformed or encrypted) (401 <c>invalid_token</c>).</summary>
    NotSignedJwt,

    /// <summary>With <c>AccessTokenFormat = Jwt</c>: the JWT's header names no <c>kid</c> (401 <c>invalid_token</c>).</summary>
    JwtWithoutKeyId,

    /// <summary>
    /// With <c>AccessTokenFormat = Jwt</c>: the issuer's key set, refreshed as the rate limit allows, has no key under the
    /// JWT's <c>kid</c> (401 <c>invalid_token</c>; with <c>Auto</c> such a token is introspected instead).
    /// </summary>
    UnknownSigningKey,

    /// <summary>The JWT's <c>alg</c> is not in <c>AllowedSigningAlgorithms</c>, or does not fit the named key's type (401 <c>invalid_token</c>).</summary>
    SigningAlgorithmNotAllowed,

    /// <summary>The JWT's signature does not verify with the issuer's key (401 <c>invalid_token</c>).</summary>
    InvalidSignature,

    /// <summary>The JWT's header <c>typ</c> is not <c>at+jwt</c> (RFC 9068) while <c>RequireAccessTokenType</c> is on (401 <c>invalid_token</c>).</summary>
    WrongAccessTokenType,

    /// <summary>The JWT lacks a claim RFC 9068 §2.2 requires; the description names it (401 <c>invalid_token</c>).</summary>
    MissingTokenClaim,

    /// <summary>The JWT's <c>aud</c>, or an introspection answer's, does not contain <c>Audience</c> (401 <c>invalid_token</c>).</summary>
    AudienceMismatch,

    /// <summary>
    /// The issuer's key set could not be fetched and no key is held, or (with <c>Jwt</c>) the held set lacks the
    /// JWT's <c>kid</c> and could not be refreshed (503 with <c>Retry-After</c>).
    /// </summary>
    KeySetUnavailable,

    /// <summary>
    /// No call was made: <c>MaxQueuedIntrospections</c> calls were already waiting for the authorization server, or
    /// the wait would have exceeded <c>IntrospectionQueueTimeout</c> (503 with <c>Retry-After</c>).
    /// </summary>
    AuthorizationServerBusy,
}
