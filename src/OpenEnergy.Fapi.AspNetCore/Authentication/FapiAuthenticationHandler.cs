using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenEnergy.Fapi.AspNetCore.Features;
using OpenEnergy.Fapi.AspNetCore.Http;
using OpenEnergy.Fapi.Validation;

namespace OpenEnergy.Fapi.AspNetCore.Authentication;

/// <summary>
/// ASP.NET Core authentication over the FAPI validator: a success becomes a <see cref="ClaimsPrincipal"/>
/// (client id, organisation id, scopes, software roles), a refusal a 400/401/429/503 with the core's challenge,
/// and a scope shortfall found by a <c>RequireFapiScope</c> policy a 403 <c>insufficient_scope</c>. Challenge and
/// forbid write the status and headers only, since other schemes of the same policy may follow;
/// <see cref="FapiAuthorizationResultHandler"/> writes the JSON body once they all ran.
/// </summary>
internal sealed class FapiAuthenticationHandler : AuthenticationHandler<FapiAuthenticationOptions>
{
    private readonly FapiHttpPipeline _pipeline;

    public FapiAuthenticationHandler(IOptionsMonitor<FapiAuthenticationOptions> options, ILoggerFactory logger, UrlEncoder encoder, FapiHttpPipeline pipeline)
        : base(options, logger, encoder)
        => _pipeline = pipeline;

    /// <inheritdoc />
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        FapiVerdict verdict = await ValidateAsync();
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
        if (consumer.Certificate is { } certificate)
        {
            foreach (string role in certificate.Roles)
            {
                claims.Add(new Claim(FapiClaimTypes.DirectoryRole, role, ClaimValueTypes.String, ClaimsIssuer));
            }

            if (certificate.Application is { } application)
            {
                claims.Add(new Claim(FapiClaimTypes.Application, application, ClaimValueTypes.String, ClaimsIssuer));
            }

            if (certificate.Member is { } member)
            {
                claims.Add(new Claim(FapiClaimTypes.Member, member, ClaimValueTypes.String, ClaimsIssuer));
            }

            foreach (string uri in certificate.UriSubjectAlternativeNames)
            {
                claims.Add(new Claim(FapiClaimTypes.CertificateUri, uri, ClaimValueTypes.String, ClaimsIssuer));
            }
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme.Name, FapiClaimTypes.ClientId, FapiClaimTypes.SoftwareRole));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
    }

    /// <inheritdoc />
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        FapiVerdict verdict = await ValidateAsync();
        await _pipeline.RejectAsync(Context, verdict.Failure ?? _pipeline.Gate.Failures[FapiFailureReason.NoCredentials]);
    }

    // The endpoint's scope policies and role requirements are judged here, in the spec's order (scopes, then
    // roles); its RequireFapiRole and role policies replace AcceptedRoles.
    private async ValueTask<FapiVerdict> ValidateAsync()
    {
        Microsoft.AspNetCore.Http.Endpoint? endpoint = Microsoft.AspNetCore.Http.EndpointHttpContextExtensions.GetEndpoint(Context);
        Authorization.EndpointFapiRequirements requirements = await Authorization.EndpointFapiRequirements.ForAsync(endpoint, Context.RequestServices);
        return await _pipeline.ValidateAsync(Context, requirements.Scopes, requirements.Roles, endpoint?.DisplayName);
    }

    /// <inheritdoc />
    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        // A scope or role policy left its refusal on the request; any other requirement that failed is the application's.
        FapiFailure failure = Context.Features.Get<IFapiFeature>() is FapiFeature { PolicyFailure: { } scope }
            ? scope
            : _pipeline.Gate.Failures.AccessDenied("the caller is not allowed this resource");
        await _pipeline.RejectAsync(Context, failure);
    }
}
