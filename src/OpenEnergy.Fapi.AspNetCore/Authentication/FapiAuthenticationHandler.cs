using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenEnergy.Fapi.AspNetCore.Http;
using OpenEnergy.Fapi.Configuration;
using OpenEnergy.Fapi.Validation;

namespace OpenEnergy.Fapi.AspNetCore.Authentication;

/// <summary>
/// ASP.NET Core authentication over the FAPI validator: a success becomes a <see cref="ClaimsPrincipal"/>
/// (client id, organisation id, scopes, software roles), a refusal a 400/401/503 with the core's challenge,
/// and a scope shortfall found by a <c>RequireFapiScope</c> policy a 403 <c>insufficient_scope</c>.
/// </summary>
public sealed class FapiAuthenticationHandler : AuthenticationHandler<FapiAuthenticationOptions>
{
    private readonly FapiHttpPipeline _pipeline;
    private readonly FapiOptions _fapiOptions;

    /// <summary>Creates the handler (by dependency injection).</summary>
    /// <param name="options">The scheme options.</param>
    /// <param name="logger">The logger factory.</param>
    /// <param name="encoder">The URL encoder.</param>
    /// <param name="services">The request services, to reach the adapter's pipeline.</param>
    /// <param name="fapiOptions">The validator options (for the realm).</param>
    public FapiAuthenticationHandler(IOptionsMonitor<FapiAuthenticationOptions> options, ILoggerFactory logger, UrlEncoder encoder, IServiceProvider services, IOptions<FapiOptions> fapiOptions)
        : base(options, logger, encoder)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(fapiOptions);
        _pipeline = FapiHttpPipeline.For(services);
        _fapiOptions = fapiOptions.Value;
    }

    /// <inheritdoc />
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        FapiVerdict verdict = await _pipeline.ValidateAsync(Context, null);
        if (!verdict.Succeeded)
        {
            return verdict.Failure.Reason == FapiFailureReason.NoCredentials
                ? AuthenticateResult.NoResult()
                : AuthenticateResult.Fail(verdict.Failure.ErrorDescription ?? verdict.Failure.Reason.ToString());
        }

        FapiConsumer consumer = verdict.Consumer;
        var claims = new List<Claim>(4 + consumer.Scopes.Count + consumer.SoftwareRoles.Count);
        if (consumer.ClientId is { } clientId)
        {
            claims.Add(new Claim(ClaimTypes.NameIdentifier, clientId, ClaimValueTypes.String, ClaimsIssuer));
            claims.Add(new Claim(FapiClaimTypes.ClientId, clientId, ClaimValueTypes.String, ClaimsIssuer));
        }

        if (consumer.OrganisationId is { } organisationId)
        {
            claims.Add(new Claim(FapiClaimTypes.OrganisationId, organisationId, ClaimValueTypes.String, ClaimsIssuer));
        }

        foreach (string scope in consumer.Scopes)
        {
            claims.Add(new Claim(FapiClaimTypes.Scope, scope, ClaimValueTypes.String, ClaimsIssuer));
        }

        foreach (string role in consumer.SoftwareRoles)
        {
            claims.Add(new Claim(FapiClaimTypes.SoftwareRole, role, ClaimValueTypes.String, ClaimsIssuer));
        }

        claims.Add(new Claim(FapiClaimTypes.CertificateThumbprint, consumer.CertificateThumbprint.ToString(), ClaimValueTypes.String, ClaimsIssuer));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme.Name, FapiClaimTypes.ClientId, FapiClaimTypes.SoftwareRole));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
    }

    /// <inheritdoc />
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        FapiVerdict verdict = await _pipeline.ValidateAsync(Context, null);
        FapiFailure failure = verdict.Failure ?? new FapiFailure(FapiFailureReason.NoCredentials, 401, null, null, _fapiOptions.Realm);
        await _pipeline.WriteFailureAsync(Context, failure);
    }

    /// <inheritdoc />
    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        string? scope = Context.Items.TryGetValue(Authorization.FapiScopeAuthorizationHandler.MissingScopeKey, out object? missing) ? missing as string : null;
        var failure = new FapiFailure(FapiFailureReason.InsufficientScope, 403, "insufficient_scope", "the token lacks a required scope", _fapiOptions.Realm, scope);
        return _pipeline.WriteFailureAsync(Context, failure);
    }
}
