using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using OpenEnergy.Fapi.Configuration;
using OpenEnergy.Fapi.Diagnostics;
using OpenEnergy.Fapi.Introspection;
using OpenEnergy.Fapi.Validation;

namespace OpenEnergy.Fapi.Jwt;

/// <summary>
/// Validates JWT access tokens (RFC 9068) locally: the signature by the issuer's key (<see cref="JwsVerifier"/>),
/// header <c>typ</c>, the required claims and <c>iss</c>. <c>aud</c>, time, <c>cnf</c> binding, client id and scope
/// are judged afterwards with the introspection rules, on every request. With <c>Auto</c>, a token that is not a JWS,
/// names no <c>kid</c>, or names one the issuer does not publish is left to introspection.
/// </summary>
internal sealed class JwtAccessTokenValidator
{
    private readonly JwsVerifier _verifier;
    private readonly AuthorizationServerMetadataProvider _metadata;
    private readonly FapiMetrics _metrics;
    private readonly bool _auto;
    private readonly bool _requireType;
    private readonly bool _audienceRequired;
    private readonly ILogger _logger;
    private readonly LogThrottle _faultReports;

    public JwtAccessTokenValidator(JwsVerifier verifier, AuthorizationServerMetadataProvider metadata, IOptions<FapiOptions> options, FapiMetrics metrics, TimeProvider time, ILogger<JwtAccessTokenValidator> logger)
    {
        FapiOptions o = options.Value;
        _verifier = verifier;
        _metadata = metadata;
        _metrics = metrics;
        _auto = o.EffectiveAccessTokenFormat == AccessTokenFormat.Auto;
        _requireType = o.RequireAccessTokenType;
        _audienceRequired = o.ValidateAudience;
        _logger = logger;
        _faultReports = new LogThrottle(time, TimeSpan.FromMinutes(1));
    }

    /// <summary>Decides on <paramref name="token"/>; never throws but for the caller's cancellation.</summary>
    public async ValueTask<LocalTokenOutcome> ValidateAsync(string token, CancellationToken cancellationToken)
    {
        LocalTokenOutcome outcome;
        try
        {
            outcome = await DecideAsync(token, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // Fail closed: a fault in a library or a key is a refused token, never a 500.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            if (_faultReports.TryReport(out int heldBack))
            {
                // The type only: a message could quote the token.
                _logger.JwtValidationFault(ex.GetType().FullName ?? ex.GetType().Name, heldBack);
            }

            outcome = LocalTokenOutcome.Refused(FapiFailureReason.InvalidSignature);
        }

        _metrics.JwtValidated(outcome.Kind switch
        {
            LocalTokenOutcomeKind.Validated => "valid",
            LocalTokenOutcomeKind.Introspect => "introspected",
            _ => outcome.Reason.ToString(),
        });
        return outcome;
    }

    private async ValueTask<LocalTokenOutcome> DecideAsync(string token, CancellationToken cancellationToken)
    {
        JwsCheck check = await _verifier.VerifyAsync(token, cancellationToken).ConfigureAwait(false);
        switch (check.Kind)
        {
            case JwsCheckKind.NotJws:
                return _auto ? LocalTokenOutcome.Introspect : LocalTokenOutcome.Refused(FapiFailureReason.NotSignedJwt);
            case JwsCheckKind.NoKeyId:
                return _auto ? LocalTokenOutcome.Introspect : LocalTokenOutcome.Refused(FapiFailureReason.JwtWithoutKeyId);
            case JwsCheckKind.UnknownKey:
                return _auto ? LocalTokenOutcome.Introspect : LocalTokenOutcome.Refused(FapiFailureReason.UnknownSigningKey);
            case JwsCheckKind.UnknownKeyWhileStale:
                // Perhaps a rotated key the key set could not be refreshed to show: the introspection endpoint can still tell.
                return _auto ? LocalTokenOutcome.Introspect : LocalTokenOutcome.Refused(FapiFailureReason.KeySetUnavailable);
            case JwsCheckKind.KeySetUnavailable:
                return LocalTokenOutcome.Refused(FapiFailureReason.KeySetUnavailable);
            case JwsCheckKind.AlgorithmNotAllowed:
                return LocalTokenOutcome.Refused(FapiFailureReason.SigningAlgorithmNotAllowed);
            case JwsCheckKind.BadSignature:
                return LocalTokenOutcome.Refused(FapiFailureReason.InvalidSignature);
        }

        JsonWebToken jwt = check.Token!;
        if (_requireType ? !IsAccessTokenType(jwt.Typ) : IsOtherJwtType(jwt.Typ))
        {
            return LocalTokenOutcome.Refused(FapiFailureReason.WrongAccessTokenType);
        }

        IntrospectionResult? claims = ReadClaims(jwt);
        if (claims is null || claims.MalformedMember is not null)
        {
            return LocalTokenOutcome.Refused(FapiFailureReason.MalformedTokenMetadata);
        }

        if (JwtAccessTokenClaims.FirstMissing(claims, _audienceRequired) is { } missing)
        {
            return LocalTokenOutcome.Refused(FapiFailureReason.MissingTokenClaim, missing);
        }

        AuthorizationServerEndpoints endpoints = await _metadata.GetAsync(cancellationToken).ConfigureAwait(false);
        if (!string.Equals(claims.Issuer, endpoints.ExpectedIssuer, StringComparison.Ordinal))
        {
            // An issuer the metadata does not name is never matched, not even by a token without one.
            return LocalTokenOutcome.Refused(FapiFailureReason.IssuerMismatch);
        }

        // aud is judged with every answer, introspected or not, against Audience (FapiValidator).
        return LocalTokenOutcome.Validated(claims);
    }

    internal static bool IsAccessTokenType(string? typ)
        => typ is not null && (typ.Equals("at+jwt", StringComparison.OrdinalIgnoreCase) || typ.Equals("application/at+jwt", StringComparison.OrdinalIgnoreCase));

    // Even when typ is not required, a JWT that declares itself another kind (an introspection answer, a logout
    // token, a DPoP proof: anything "+jwt") is not an access token, whoever signed it.
    private static bool IsOtherJwtType(string? typ)
        => typ is not null && typ.EndsWith("+jwt", StringComparison.OrdinalIgnoreCase) && !IsAccessTokenType(typ);

    /// <summary>The payload's claims, read from its own bytes with the library's strict JSON rules.</summary>
    internal static IntrospectionResult? ReadClaims(JsonWebToken jwt)
        => Base64UrlBytes.Decode(jwt.EncodedPayload) is { } utf8 ? IntrospectionResponseParser.ParseClaims(utf8) : null;
}
