using Microsoft.AspNetCore.Http;
using OpenEnergy.Fapi.AspNetCore.Endpoints;
using OpenEnergy.Fapi.AspNetCore.Http;
using OpenEnergy.Fapi.Validation;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Protects minimal-API endpoints and route groups with FAPI validation.</summary>
public static class FapiEndpointConventionBuilderExtensions
{
    /// <summary>
    /// Requires a valid certificate-bound token carrying every one of <paramref name="scopes"/>. The request is
    /// judged before the endpoint binds its parameters (so an unauthenticated body is never read or parsed);
    /// refusals get 400/401/403 with RFC 6750 challenges, or 429/503 with <c>Retry-After</c>.
    /// </summary>
    /// <param name="builder">The endpoint or group.</param>
    /// <param name="scopes">The scopes needed (compared as <c>CaseInsensitiveScopes</c> says: exactly, by default).</param>
    public static TBuilder RequireFapi<TBuilder>(this TBuilder builder, params string[] scopes)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        var requirement = new FapiRequirementMetadata(scopes ?? []);
        builder.Add(endpoint => endpoint.Metadata.Add(requirement));
        builder.Finally(endpoint => Guard(endpoint, requirement));
        return builder;
    }

    /// <summary>
    /// Requires the client certificate to carry at least one of <paramref name="anyOf"/> (IB1 directory roles). On
    /// an endpoint or a group; several on one endpoint must all hold ("role X, and one of Y or Z" is two calls), and
    /// together they replace <c>OpenEnergy:Fapi:AcceptedRoles</c> there. Checked after the token and its scopes; a
    /// certificate without one of the roles gets 403 <c>access_denied</c>. An endpoint without <c>RequireFapi</c> is
    /// guarded by this call itself (a valid bound token, no scope), so the roles are never silently ignored.
    /// </summary>
    /// <param name="builder">The endpoint or group.</param>
    /// <param name="anyOf">The roles accepted (at least one, compared exactly).</param>
    public static TBuilder RequireFapiRole<TBuilder>(this TBuilder builder, params string[] anyOf)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        var metadata = new FapiRoleRequirementMetadata(new FapiRoleRequirement(anyOf));
        builder.Add(endpoint => endpoint.Metadata.Add(metadata));
        builder.Finally(endpoint =>
        {
            // Never silently ignored: an endpoint that RequireFapi does not guard (one behind the middleware, or
            // the authentication scheme without an authorization requirement) gets its own guard here, so the
            // roles hold whatever else protects it.
            if (!endpoint.Metadata.OfType<FapiRequirementMetadata>().Any())
            {
                var requirement = new FapiRequirementMetadata([]);
                endpoint.Metadata.Add(requirement);
                Guard(endpoint, requirement);
            }
        });
        return builder;
    }

    // After every other convention, the endpoint's own delegate (binding included) is in place: validation wraps
    // it, so it runs first. The application's pipeline is found once, as the first endpoint is built. The role
    // requirements are looked up per endpoint (once), since a group's RequireFapi is one object for endpoints that
    // may each add roles of their own.
    private static void Guard(EndpointBuilder endpoint, FapiRequirementMetadata requirement)
    {
        requirement.Pipeline ??= FapiHttpPipeline.From(endpoint.ApplicationServices);
        RequestDelegate endpointDelegate = endpoint.RequestDelegate
            ?? throw new InvalidOperationException($"RequireFapi needs an endpoint with a request delegate ('{endpoint.DisplayName}' has none).");
        endpoint.RequestDelegate = context => GuardAsync(requirement, context, endpointDelegate);
    }

    private static async Task GuardAsync(FapiRequirementMetadata requirement, HttpContext context, RequestDelegate endpointDelegate)
    {
        Endpoint? endpoint = context.GetEndpoint();
        FapiVerdict verdict = await requirement.Pipeline!.ValidateAsync(context, requirement.Scopes, FapiRoleRequirementMetadata.Of(endpoint), endpoint?.DisplayName);
        if (!verdict.Succeeded)
        {
            await requirement.Pipeline.WriteFailureAsync(context, verdict.Failure);
            return;
        }

        await endpointDelegate(context);
    }
}
