using OpenEnergy.Fapi.AspNetCore.Endpoints;
using OpenEnergy.Fapi.AspNetCore.Http;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Protects minimal-API endpoints and route groups with FAPI validation.</summary>
public static class FapiEndpointConventionBuilderExtensions
{
    /// <summary>
    /// Requires a valid certificate-bound token carrying every one of <paramref name="scopes"/>; refusals get
    /// 400/401/403/429/503 with RFC 6750 challenges before the handler runs.
    /// </summary>
    /// <param name="builder">The endpoint or group.</param>
    /// <param name="scopes">The scopes needed (exact, case-sensitive).</param>
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
            endpoint.FilterFactories.Add((_, next) => invocation => FapiEndpointFilter.InvokeAsync(requirement, invocation, next));
        });
        return builder;
    }
}
