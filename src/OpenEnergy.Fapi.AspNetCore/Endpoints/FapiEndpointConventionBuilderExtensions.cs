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
        builder.Add(endpoint =>
        {
            // The application's pipeline, found once as the endpoint is built.
            requirement.Pipeline ??= FapiHttpPipeline.From(endpoint.ApplicationServices);
            endpoint.Metadata.Add(requirement);
        });
        // After every other convention, the endpoint's own delegate (binding included) is in place: validation
        // wraps it, so it runs first.
        builder.Finally(endpoint =>
        {
            // Every convention has run: the endpoint's own and its groups' role requirements are all in place, and
            // this endpoint gets its own copy of the requirement carrying them.
            FapiRequirementMetadata own = requirement.ForEndpoint(
                FapiRoleRequirementMetadata.Of(new Endpoint(null, new EndpointMetadataCollection(endpoint.Metadata), null)),
                endpoint.DisplayName);
            endpoint.Metadata.Remove(requirement);
            endpoint.Metadata.Add(own);
            RequestDelegate endpointDelegate = endpoint.RequestDelegate
                ?? throw new InvalidOperationException($"RequireFapi needs an endpoint with a request delegate ('{endpoint.DisplayName}' has none).");
            endpoint.RequestDelegate = context => GuardAsync(own, context, endpointDelegate);
        });
        return builder;
    }

    /// <summary>
    /// Requires the client certificate to carry at least one of <paramref name="anyOf"/> (IB1 directory roles). On
    /// an endpoint or a group; several on one endpoint must all hold ("role X, and one of Y or Z" is two calls), and
    /// together they replace <c>OpenEnergy:Fapi:AcceptedRoles</c> there. Checked after the token and its scopes; a
    /// certificate without one of the roles gets 403 <c>access_denied</c>. Needs FAPI validation on the endpoint
    /// (<c>RequireFapi</c>, or the authentication scheme).
    /// </summary>
    /// <param name="builder">The endpoint or group.</param>
    /// <param name="anyOf">The roles accepted (at least one, compared exactly).</param>
    public static TBuilder RequireFapiRole<TBuilder>(this TBuilder builder, params string[] anyOf)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        var metadata = new FapiRoleRequirementMetadata(new FapiRoleRequirement(anyOf));
        builder.Add(endpoint => endpoint.Metadata.Add(metadata));
        return builder;
    }

    private static async Task GuardAsync(FapiRequirementMetadata requirement, HttpContext context, RequestDelegate endpointDelegate)
    {
        FapiVerdict verdict = await requirement.Pipeline!.ValidateAsync(context, requirement.Scopes, requirement.Roles, requirement.Resource);
        if (!verdict.Succeeded)
        {
            await requirement.Pipeline.WriteFailureAsync(context, verdict.Failure);
            return;
        }

        await endpointDelegate(context);
    }
}
