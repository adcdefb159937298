using Microsoft.Extensions.Options;
using OpenEnergy.Fapi.Configuration;

namespace OpenEnergy.Fapi.Validation;

/// <summary>
/// Every refusal the library writes, built once with the configured realm and <c>Retry-After</c>: the validator's,
/// and those an adapter adds (a scope policy's 403, a provider policy's 403 <c>access_denied</c>). The one place
/// statuses, error codes and descriptions are chosen (spec section 16.2).
/// </summary>
public sealed class FapiFailures
{
    private const string InvalidRequest = "invalid_request";
    private const string InvalidToken = "invalid_token";
    private const string AccessDeniedError = "access_denied";

    private readonly Dictionary<FapiFailureReason, FapiFailure> _byReason;
    private readonly Dictionary<string, FapiFailure> _missingClaims;
    private readonly string _realm;

    /// <summary>Creates the refusals (by dependency injection).</summary>
    /// <param name="options">The validator options (realm, <c>Retry-After</c>).</param>
    public FapiFailures(IOptions<FapiOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        FapiOptions o = options.Value;
        _realm = o.Realm;
        FapiFailure[] all =
        [
            new(FapiFailureReason.NoCredentials, 401, null, null, _realm),
            new(FapiFailureReason.MultipleAuthorizationHeaders, 400, InvalidRequest, "more than one Authorization header", _realm),
            new(FapiFailureReason.TokenInMultiplePlaces, 400, InvalidRequest, "the access token was sent in more than one place", _realm),
            new(FapiFailureReason.MalformedToken, 400, InvalidRequest, "the bearer token is missing or malformed", _realm),
            new(FapiFailureReason.TokenTooLong, 400, InvalidRequest, "the bearer token is too long", _realm),
            new(FapiFailureReason.MissingClientCertificate, 401, InvalidToken, "a client certificate is required", _realm),
            new(FapiFailureReason.IntrospectionMissingActive, 400, InvalidRequest, "the token could not be checked", _realm),
            new(FapiFailureReason.TokenInactive, 401, InvalidToken, "the token is not active", _realm),
            new(FapiFailureReason.MalformedTokenMetadata, 401, InvalidToken, "the token is malformed", _realm),
            new(FapiFailureReason.TokenIssuedInFuture, 401, InvalidToken, "the token was issued in the future", _realm),
            new(FapiFailureReason.TokenNotYetValid, 401, InvalidToken, "the token is not yet valid", _realm),
            new(FapiFailureReason.TokenExpired, 401, InvalidToken, "the token has expired", _realm),
            new(FapiFailureReason.IssuerMismatch, 401, InvalidToken, "the token was issued by another issuer", _realm),
            new(FapiFailureReason.WrongTokenType, 401, InvalidToken, "the token is not a bearer access token", _realm),
            new(FapiFailureReason.TokenNotCertificateBound, 401, InvalidToken, "the token is not bound to a client certificate", _realm),
            new(FapiFailureReason.CertificateMismatch, 401, InvalidToken, "the token is bound to another client certificate", _realm),
            new(FapiFailureReason.ClientIdNotBoundToCertificate, 401, InvalidToken, "the token was issued to another application than the client certificate's", _realm),
            new(FapiFailureReason.NoRoleRequirement, 403, AccessDeniedError, "this resource has no role requirement", _realm),
            new(FapiFailureReason.DpopBoundToken, 401, InvalidToken, "the token is bound to a DPoP key, not to a client certificate", _realm),
            new(FapiFailureReason.AuthorizationServerUnavailable, 503, "temporarily_unavailable", "the authorization server could not be reached", _realm, retryAfter: o.RetryAfter),
            new(FapiFailureReason.NotSignedJwt, 401, InvalidToken, "the access token is not a signed JWT", _realm),
            new(FapiFailureReason.JwtWithoutKeyId, 401, InvalidToken, "the access token names no signing key (kid)", _realm),
            new(FapiFailureReason.UnknownSigningKey, 401, InvalidToken, "the access token is signed with a key the issuer does not publish", _realm),
            new(FapiFailureReason.SigningAlgorithmNotAllowed, 401, InvalidToken, "the access token's signing algorithm is not accepted for its key", _realm),
            new(FapiFailureReason.InvalidSignature, 401, InvalidToken, "the access token's signature is invalid", _realm),
            new(FapiFailureReason.WrongAccessTokenType, 401, InvalidToken, "the access token's typ is not at+jwt", _realm),
            new(FapiFailureReason.AudienceMismatch, 401, InvalidToken, "the access token is meant for another audience", _realm),
            new(FapiFailureReason.KeySetUnavailable, 503, "temporarily_unavailable", "the authorization server's signing keys could not be fetched", _realm, retryAfter: o.RetryAfter),
            new(FapiFailureReason.AuthorizationServerBusy, 503, "temporarily_unavailable", "too many requests are waiting for the authorization server; retry later", _realm, retryAfter: o.RetryAfter),
            new(FapiFailureReason.TooManyIntrospections, 429, "too_many_requests", "too many new tokens from this client at once; retry later", _realm, retryAfter: o.RetryAfter),
        ];
        _byReason = all.ToDictionary(f => f.Reason);
        _missingClaims = Jwt.JwtAccessTokenClaims.Required.ToDictionary(
            c => c,
            c => new FapiFailure(FapiFailureReason.MissingTokenClaim, 401, InvalidToken, $"the access token lacks the required '{c}' claim", _realm),
            StringComparer.Ordinal);
    }

    /// <summary>401 <c>invalid_token</c>: the JWT access token lacks <paramref name="claim"/>, one of RFC 9068's required claims.</summary>
    internal FapiFailure MissingClaim(string claim) => _missingClaims[claim];

    /// <summary>The refusal for a reason that needs no detail.</summary>
    /// <param name="reason">Any reason but <see cref="FapiFailureReason.InsufficientScope"/> and <see cref="FapiFailureReason.PolicyRejected"/>.</param>
    public FapiFailure this[FapiFailureReason reason] => _byReason[reason];

    /// <summary>403 <c>insufficient_scope</c>, naming the scopes the resource needs.</summary>
    /// <param name="requiredScopes">The resource's scopes (all of them).</param>
    public FapiFailure InsufficientScope(IEnumerable<string> requiredScopes)
        => new(FapiFailureReason.InsufficientScope, 403, "insufficient_scope", "the token lacks a required scope", _realm, string.Join(' ', requiredScopes));

    /// <summary>403 <c>access_denied</c>: the client certificate has none of the roles <paramref name="requirement"/> accepts, named in the description.</summary>
    /// <param name="requirement">The unmet requirement.</param>
    public FapiFailure MissingRole(FapiRoleRequirement requirement)
    {
        ArgumentNullException.ThrowIfNull(requirement);
        return requirement.Refusal ??= new(FapiFailureReason.MissingDirectoryRole, 403, AccessDeniedError, "the client certificate has none of the accepted roles: " + string.Join(' ', requirement.AnyOf), _realm);
    }

    /// <summary>403 <c>access_denied</c>: the provider's own policy refused the caller.</summary>
    /// <param name="description">A generic description for the client (nothing about the consumer).</param>
    public FapiFailure AccessDenied(string? description)
        => new(FapiFailureReason.PolicyRejected, 403, AccessDeniedError, string.IsNullOrWhiteSpace(description) || !Headers.WwwAuthenticateHeader.IsQuotableText(description) ? "refused by provider policy" : description, _realm);
}
