using System.Buffers.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using OpenEnergy.Fapi.Configuration;
using OpenEnergy.Fapi.Diagnostics;
using OpenEnergy.Fapi.Introspection;
using OpenEnergy.Fapi.Validation;

namespace OpenEnergy.Fapi.Jwt;

/// <summary>
/// Validates JWT access tokens (RFC 9068) locally: the signature by the issuer's key (<see cref="JwsVerifier"/>),
/// header <c>typ</c>, the required claims, <c>iss</c> and <c>aud</c>. Time, <c>cnf</c> binding, client id and scope
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
    private readonly string? _audience;

    public JwtAccessTokenValidator(JwsVerifier verifier, AuthorizationServerMetadataProvider metadata, IOptions<FapiOptions> options, FapiMetrics metrics)
    {
        FapiOptions o = options.Value;
        _verifier = verifier;
        _metadata = metadata;
        _metrics = metrics;
        _auto = o.EffectiveAccessTokenFormat == AccessTokenFormat.Auto;
        _requireType = o.RequireAccessTokenType;
        _audience = o.ValidateAudience ? o.Audience : null;
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
        catch (Exception)
#pragma warning restore CA1031
        {
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
            case JwsCheckKind.KeySetUnavailable:
                return LocalTokenOutcome.Refused(FapiFailureReason.KeySetUnavailable);
            case JwsCheckKind.AlgorithmNotAllowed:
                return LocalTokenOutcome.Refused(FapiFailureReason.SigningAlgorithmNotAllowed);
            case JwsCheckKind.BadSignature:
                return LocalTokenOutcome.Refused(FapiFailureReason.InvalidSignature);
        }

        JsonWebToken jwt = check.Token!;
        if (_requireType && !IsAccessTokenType(jwt.Typ))
        {
            return LocalTokenOutcome.Refused(FapiFailureReason.WrongAccessTokenType);
        }

        IntrospectionResult? claims = ReadClaims(jwt);
        if (claims is null || claims.MalformedMember is not null)
        {
            return LocalTokenOutcome.Refused(FapiFailureReason.MalformedTokenMetadata);
        }

        if (JwtAccessTokenClaims.FirstMissing(claims, _audience is not null) is { } missing)
        {
            return LocalTokenOutcome.Refused(FapiFailureReason.MissingTokenClaim, missing);
        }

        AuthorizationServerEndpoints endpoints = await _metadata.GetAsync(cancellationToken).ConfigureAwait(false);
        if (!string.Equals(claims.Issuer, endpoints.ExpectedIssuer, StringComparison.Ordinal))
        {
            // An issuer the metadata does not name is never matched, not even by a token without one.
            return LocalTokenOutcome.Refused(FapiFailureReason.IssuerMismatch);
        }

        if (_audience is not null && !claims.Audiences.Contains(_audience, StringComparer.Ordinal))
        {
            return LocalTokenOutcome.Refused(FapiFailureReason.AudienceMismatch);
        }

        return LocalTokenOutcome.Validated(claims);
    }

    internal static bool IsAccessTokenType(string? typ)
        => typ is not null && (typ.Equals("at+jwt", StringComparison.OrdinalIgnoreCase) || typ.Equals("application/at+jwt", StringComparison.OrdinalIgnoreCase));

    /// <summary>The payload's claims, read from its own bytes with the library's strict JSON rules.</summary>
    internal static IntrospectionResult? ReadClaims(JsonWebToken jwt)
    {
        string encoded = jwt.EncodedPayload;
        byte[] utf8 = new byte[Base64Url.GetMaxDecodedLength(encoded.Length)];
        return Base64Url.TryDecodeFromChars(encoded, utf8, out int written)
            ? IntrospectionResponseParser.ParseClaims(utf8.AsSpan(0, written))
            : null;
    }
}
