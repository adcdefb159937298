using OpenEnergy.Fapi.Configuration;

namespace OpenEnergy.Fapi.Validation;

/// <summary>The refusals of one validator, built once with its realm, so that refusing allocates nothing.</summary>
internal sealed class FapiFailures
{
    private const string InvalidRequest = "invalid_request";
    private const string InvalidToken = "invalid_token";

    private readonly Dictionary<FapiFailureReason, FapiFailure> _byReason;
    private readonly string _realm;

    public FapiFailures(FapiOptions options)
    {
        _realm = options.Realm;
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
            new(FapiFailureReason.AuthorizationServerUnavailable, 503, "temporarily_unavailable", "the authorization server could not be reached", _realm, retryAfter: options.RetryAfter),
        ];
        _byReason = all.ToDictionary(f => f.Reason);
    }

    public FapiFailure this[FapiFailureReason reason] => _byReason[reason];

    public FapiFailure InsufficientScope(string scope)
        => new(FapiFailureReason.InsufficientScope, 403, "insufficient_scope", "the token lacks a required scope", _realm, scope);
}
