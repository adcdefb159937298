using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenEnergy.Fapi.Caching;
using OpenEnergy.Fapi.Certificates;
using OpenEnergy.Fapi.Configuration;
using OpenEnergy.Fapi.Diagnostics;
using OpenEnergy.Fapi.Introspection;
using OpenEnergy.Fapi.Jwt;

namespace OpenEnergy.Fapi.Validation;

/// <summary>
/// The checks of the Open Energy rules, in their order: bearer token, client certificate, the token's facts
/// (first-level cache, shared cache, local JWT validation, or an introspection call), <c>active</c>, member types,
/// <c>iat</c>, <c>nbf</c>, <c>exp</c>, <c>iss</c>, <c>token_type</c>, <c>cnf.x5t#S256</c>, client id, scopes, roles.
/// Binding, time and scope run on every request, cache hit or not.
/// </summary>
internal sealed class FapiValidator : IFapiValidator
{
    private readonly IntrospectionCoordinator _coordinator;
    private readonly JwtAccessTokenValidator? _jwt;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly FapiMetrics _metrics;
    private readonly FapiFailures _failures;
    private readonly byte[] _keyPrefix;
    private readonly TimeSpan _clockSkew;
    private readonly string? _audience;
    private readonly StringComparison _scopeComparison;
    private readonly bool _clientIdBoundToUriSan;
    private readonly bool _rolesMandatory;
    private readonly bool _traceThumbprints;
    private readonly IReadOnlyList<FapiRoleRequirement>? _acceptedRoles;

    public FapiValidator(IntrospectionCoordinator coordinator, FapiFailures failures, IOptions<FapiOptions> options, TimeProvider time, ILogger<FapiValidator> logger, FapiMetrics metrics, JwtAccessTokenValidator jwt, IEnumerable<FapiConfigurationSection> configuration)
    {
        FapiOptions o = options.Value;
        _coordinator = coordinator;
        _jwt = o.EffectiveAccessTokenFormat == AccessTokenFormat.Opaque ? null : jwt;
        _time = time;
        _logger = logger;
        _metrics = metrics;
        _failures = failures;
        _audience = o.ValidateAudience && !string.IsNullOrWhiteSpace(o.Audience) ? o.Audience : null;
        _keyPrefix = TokenHash.CreatePrefix(o.IntrospectionEndpoint ?? o.Issuer, o.ClientId, _audience);
        _clockSkew = o.ClockSkew;
        _scopeComparison = o.CaseInsensitiveScopes ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        _clientIdBoundToUriSan = o.EffectiveClientIdBinding == ClientIdBinding.CertificateUriSan;
        _rolesMandatory = o.Profile == FapiProfile.Ib1;
        _traceThumbprints = o.TraceThumbprints;
        _acceptedRoles = o.AcceptedRoles.Count == 0 ? null : [new FapiRoleRequirement([.. o.AcceptedRoles])];
        if (_rolesMandatory && _acceptedRoles is null)
        {
            _logger.Ib1WithoutAcceptedRoles();
        }

        // Built once, as the application starts (the adapters build it then): a mistyped key is said at once.
        foreach (FapiConfigurationSection bound in configuration)
        {
            foreach ((string key, string? closest) in UnknownConfigurationKeys.Find(bound.Section))
            {
                _logger.UnknownConfigurationKey(key, closest is null ? "" : $": did you mean {closest}?");
            }
        }
    }

    public ValueTask<FapiVerdict> ValidateAsync(FapiRequest request, CancellationToken cancellationToken = default)
        => FapiTracing.Source.HasListeners() ? ValidateTracedAsync(request, cancellationToken) : ValidateUntracedAsync(request, cancellationToken);

    // The span wraps the whole decision; the cache level is tagged where it is known.
    private async ValueTask<FapiVerdict> ValidateTracedAsync(FapiRequest request, CancellationToken cancellationToken)
    {
        using Activity? activity = FapiTracing.Source.StartActivity(FapiTracing.Validation);
        FapiVerdict verdict = await ValidateUntracedAsync(request, cancellationToken).ConfigureAwait(false);
        if (activity is not null)
        {
            activity.SetTag(FapiTracing.VerdictTag, verdict.Succeeded ? "accepted" : "rejected");
            activity.SetTag(FapiTracing.StatusCodeTag, verdict.StatusCode);
            if (!verdict.Succeeded)
            {
                activity.SetTag(FapiTracing.ReasonTag, verdict.Failure.Reason.ToString());
                if (verdict.StatusCode >= 500)
                {
                    // Only a fault on our side is an error; a refused token is the validator working.
                    activity.SetStatus(ActivityStatusCode.Error, verdict.Failure.Reason.ToString());
                }
            }

            if (_traceThumbprints && request.ClientCertificate is { } thumbprint)
            {
                activity.SetTag(FapiTracing.ThumbprintTag, thumbprint.ToString());
            }
        }

        return verdict;
    }

    private ValueTask<FapiVerdict> ValidateUntracedAsync(FapiRequest request, CancellationToken cancellationToken)
    {
        if (BearerTokenReader.Read(request.Authorization, request.AccessTokenInQueryOrBody, out BearerToken token) is { } unreadable)
        {
            return new(Reject(_failures[unreadable], request, null, null));
        }

        if (request.ClientCertificate is not { } presented)
        {
            return new(Reject(_failures[FapiFailureReason.MissingClientCertificate], request, null, null));
        }

        TokenHash key = TokenHash.Compute(_keyPrefix, token.Span);
        DateTimeOffset now = _time.GetUtcNow();
        ValueTask<IntrospectionResult?> cached = _coordinator.GetCachedAsync(key, now, cancellationToken);
        if (!cached.IsCompletedSuccessfully)
        {
            return ValidateAfterSharedLookupAsync(request, token, presented, key, cached, cancellationToken);
        }

        // A first-level hit (or a miss with no shared level) has completed already: no state machine.
        if (cached.Result is { } hit)
        {
            FapiTracing.TagCurrent(FapiTracing.CacheTag, "memory");
            return new(Judge(hit, presented, request, key, now));
        }

        return ValidateUncachedAsync(request, token, presented, key, cancellationToken);
    }

    private async ValueTask<FapiVerdict> ValidateAfterSharedLookupAsync(FapiRequest request, BearerToken token, CertificateThumbprint presented, TokenHash key, ValueTask<IntrospectionResult?> lookup, CancellationToken cancellationToken)
    {
        if (await lookup.ConfigureAwait(false) is { } shared)
        {
            FapiTracing.TagCurrent(FapiTracing.CacheTag, "shared");
            return Judge(shared, presented, request, key, _time.GetUtcNow());
        }

        return await ValidateUncachedAsync(request, token, presented, key, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<FapiVerdict> ValidateUncachedAsync(FapiRequest request, BearerToken token, CertificateThumbprint presented, TokenHash key, CancellationToken cancellationToken)
    {
        if (_jwt is not null)
        {
            LocalTokenOutcome local = await _jwt.ValidateAsync(token.ToString(), cancellationToken);
            if (local.Kind != LocalTokenOutcomeKind.Introspect)
            {
                FapiTracing.TagCurrent(FapiTracing.CacheTag, "jwt");
            }

            switch (local.Kind)
            {
                case LocalTokenOutcomeKind.Validated:
                    // Cached like an introspection answer, so a repeat costs what a cache hit costs.
                    _coordinator.Remember(key, local.Claims!);
                    return Judge(local.Claims!, presented, request, key, _time.GetUtcNow());
                case LocalTokenOutcomeKind.Refused:
                    FapiFailure failure = local.MissingClaim is { } claim ? _failures.MissingClaim(claim) : _failures[local.Reason];
                    return Reject(failure, request, presented, key);
            }
        }

        FapiTracing.TagCurrent(FapiTracing.CacheTag, "introspection");
        IntrospectionOutcome outcome = await _coordinator.IntrospectAsync(key, token, presented, cancellationToken);
        return outcome.Kind switch
        {
            IntrospectionOutcomeKind.Answered => Judge(outcome.Result!, presented, request, key, _time.GetUtcNow()),
            IntrospectionOutcomeKind.MissingActive => Reject(_failures[FapiFailureReason.IntrospectionMissingActive], request, presented, key),
            IntrospectionOutcomeKind.OverClientShare => Reject(_failures[FapiFailureReason.TooManyIntrospections], request, presented, key),
            IntrospectionOutcomeKind.Shed => Reject(_failures[FapiFailureReason.AuthorizationServerBusy], request, presented, key),
            _ => Reject(_failures[FapiFailureReason.AuthorizationServerUnavailable], request, presented, key),
        };
    }

    private FapiVerdict Judge(IntrospectionResult result, CertificateThumbprint presented, in FapiRequest request, TokenHash key, DateTimeOffset now)
    {
        if (Check(result, presented, now) is { } reason)
        {
            if (reason == FapiFailureReason.CertificateMismatch && result.Binding == CertificateBinding.NonCanonical)
            {
                _logger.NonCanonicalBinding(key.ToString());
            }

            return Reject(_failures[reason], request, presented, key, result);
        }

        // The facts are believed only for the certificate they were read from.
        DirectoryCertificate? details = request.ClientCertificateDetails is { } given && given.Thumbprint == presented ? given : null;
        if (_clientIdBoundToUriSan && details?.HasUriSubjectAlternativeName(result.ClientId) != true)
        {
            return Reject(_failures[FapiFailureReason.ClientIdNotBoundToCertificate], request, presented, key, result);
        }

        if (!ScopeMatcher.ContainsAll(result.Scopes, request.RequiredScopes, _scopeComparison))
        {
            return Reject(_failures.InsufficientScope(request.RequiredScopes!), request, presented, key, result);
        }

        if (CheckRoles(request, details) is { } roleRefusal)
        {
            return Reject(roleRefusal, request, presented, key, result);
        }

        _metrics.Validated("accepted");
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            _logger.RequestAccepted(request.InteractionId, result.ClientId, result.OrganisationId, presented.ToString(), key.ToString());
        }

        return FapiVerdict.Success(result.GetConsumer(presented, details));
    }

    // The resource's own requirements replace AcceptedRoles; each must be met by at least one role.
    private FapiFailure? CheckRoles(in FapiRequest request, DirectoryCertificate? details)
    {
        IReadOnlyList<FapiRoleRequirement>? requirements = request.RequiredRoles is { Count: > 0 } own ? own : _acceptedRoles;
        if (requirements is null)
        {
            if (!_rolesMandatory)
            {
                return null;
            }

            _logger.NoRoleRequirement(request.Resource ?? "(unnamed resource)");
            return _failures[FapiFailureReason.NoRoleRequirement];
        }

        for (int i = 0; i < requirements.Count; i++)
        {
            if (details is null || !details.HasAnyRole(requirements[i].AnyOf))
            {
                return _failures.MissingRole(requirements[i]);
            }
        }

        return null;
    }

    private FapiFailureReason? Check(IntrospectionResult result, CertificateThumbprint presented, DateTimeOffset now)
    {
        if (!result.Active)
        {
            return FapiFailureReason.TokenInactive;
        }

        if (result.MalformedMember is not null)
        {
            return FapiFailureReason.MalformedTokenMetadata;
        }

        if (result.IssuedAt > now + _clockSkew)
        {
            return FapiFailureReason.TokenIssuedInFuture;
        }

        if (result.NotBefore > now + _clockSkew)
        {
            return FapiFailureReason.TokenNotYetValid;
        }

        // exp is strict: expired at the second it names.
        if (result.ExpiresAt <= now)
        {
            return FapiFailureReason.TokenExpired;
        }

        if (result.IssuerMismatch)
        {
            return FapiFailureReason.IssuerMismatch;
        }

        // Audience, when configured, also holds for introspected answers that name their audiences.
        if (_audience is not null && result.Audiences.Count > 0 && !Names(result.Audiences, _audience))
        {
            return FapiFailureReason.AudienceMismatch;
        }

        if (result.TokenType is { } type && !type.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            return FapiFailureReason.WrongTokenType;
        }

        return result.Binding switch
        {
            CertificateBinding.Bound when result.BoundCertificateThumbprint == presented => null,
            CertificateBinding.None => FapiFailureReason.TokenNotCertificateBound,
            CertificateBinding.DpopBound => FapiFailureReason.DpopBoundToken,
            _ => FapiFailureReason.CertificateMismatch,
        };
    }

    // An indexed loop: no enumerator allocated on the cache-hit path.
    private static bool Names(IReadOnlyList<string> audiences, string audience)
    {
        for (int i = 0; i < audiences.Count; i++)
        {
            if (string.Equals(audiences[i], audience, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private FapiVerdict Reject(FapiFailure failure, in FapiRequest request, CertificateThumbprint? presented, TokenHash? key, IntrospectionResult? result = null)
    {
        _metrics.Validated(failure.Reason.ToString());
        if (_logger.IsEnabled(failure.StatusCode == 503 ? LogLevel.Warning : LogLevel.Information))
        {
            // Members of an inactive answer are not logged (V-11).
            bool active = result?.Active == true;
            _logger.RequestRejected(
                request.InteractionId,
                failure.StatusCode,
                failure.Error,
                failure.Reason,
                active ? result!.ClientId : null,
                presented?.ToString(),
                active ? result!.BoundCertificateThumbprint?.ToString() : null,
                key?.ToString());
        }

        return FapiVerdict.Fail(failure);
    }
}
