using Microsoft.AspNetCore.Http;
using OpenEnergy.Fapi.AspNetCore.Http;
using OpenEnergy.Fapi.Validation;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Adds the FAPI middleware to a pipeline.</summary>
public static class FapiApplicationBuilderExtensions
{
    // After routing, an endpoint's RequireFapiRole requirements; before it (no endpoint yet), AcceptedRoles.
    private static readonly Func<HttpContext, IReadOnlyList<FapiRoleRequirement>?> EndpointRoles = context => OpenEnergy.Fapi.AspNetCore.Endpoints.FapiRoleRequirementMetadata.Of(context.GetEndpoint());

    /// <summary>
    /// Validates every request that reaches this point (the whole app, or a branch made with <c>Map</c>/<c>UseWhen</c>)
    /// and refuses the ones that fail; also puts the FAPI headers on every response and the interaction id in
    /// the logging scope.
    /// </summary>
    /// <param name="app">The application builder.</param>
    /// <param name="scopes">The scopes every request needs (all of them); none for "any valid token".</param>
    public static IApplicationBuilder UseOpenEnergyFapi(this IApplicationBuilder app, params string[] scopes)
    {
        ArgumentNullException.ThrowIfNull(app);
        FapiHttpPipeline pipeline = FapiHttpPipeline.From(app.ApplicationServices);
        return app.UseMiddleware<FapiValidationMiddleware>(pipeline, (IReadOnlyList<string>)(scopes ?? []), EndpointRoles);
    }

    /// <summary>
    /// As <see cref="UseOpenEnergyFapi(IApplicationBuilder, string[])"/>, with directory-role requirements for this
    /// branch: the client certificate must meet every one (each "any of"); they replace
    /// <c>OpenEnergy:Fapi:AcceptedRoles</c> here. A certificate without them gets 403 <c>access_denied</c>.
    /// </summary>
    /// <param name="app">The application builder.</param>
    /// <param name="scopes">The scopes every request needs (all of them); empty for "any valid token".</param>
    /// <param name="roles">The role requirements (all must hold).</param>
    public static IApplicationBuilder UseOpenEnergyFapi(this IApplicationBuilder app, IReadOnlyList<string> scopes, params FapiRoleRequirement[] roles)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(scopes);
        ArgumentNullException.ThrowIfNull(roles);
        FapiHttpPipeline pipeline = FapiHttpPipeline.From(app.ApplicationServices);
        IReadOnlyList<FapiRoleRequirement>? fixedRoles = roles.Length == 0 ? null : roles;
        return app.UseMiddleware<FapiValidationMiddleware>(pipeline, scopes, (Func<HttpContext, IReadOnlyList<FapiRoleRequirement>?>)(_ => fixedRoles));
    }

    /// <summary>
    /// As <see cref="UseOpenEnergyFapi(IApplicationBuilder, string[])"/>, with directory-role requirements chosen
    /// per request before routing, for a provider whose data sources each name the roles allowed to access them
    /// (the IB1 catalogue): <paramref name="rolesFor"/> returns the request's requirements (all must hold), or
    /// <see langword="null"/> for <c>OpenEnergy:Fapi:AcceptedRoles</c>. Return the same list object for the same
    /// data source: a request's verdict is reused only for the same requirements.
    /// </summary>
    /// <param name="app">The application builder.</param>
    /// <param name="scopes">The scopes every request needs (all of them); empty for "any valid token".</param>
    /// <param name="rolesFor">The request's role requirements.</param>
    public static IApplicationBuilder UseOpenEnergyFapi(this IApplicationBuilder app, IReadOnlyList<string> scopes, Func<HttpContext, IReadOnlyList<FapiRoleRequirement>?> rolesFor)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(scopes);
        ArgumentNullException.ThrowIfNull(rolesFor);
        FapiHttpPipeline pipeline = FapiHttpPipeline.From(app.ApplicationServices);
        return app.UseMiddleware<FapiValidationMiddleware>(pipeline, scopes, rolesFor);
    }

    /// <summary>
    /// Puts <c>x-fapi-interaction-id</c> (the request's UUID or a fresh one) and <c>Date</c> on every response,
    /// protected or not, and the interaction id in the logging scope. Use it first, before static files.
    /// </summary>
    /// <param name="app">The application builder.</param>
    public static IApplicationBuilder UseFapiHeaders(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.UseMiddleware<FapiHeadersMiddleware>(FapiHttpPipeline.From(app.ApplicationServices));
    }
}
