using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using OpenEnergy.Fapi.AspNetCore.Endpoints;
using OpenEnergy.Fapi.Validation;

namespace OpenEnergy.Fapi.AspNetCore.Authorization;

/// <summary>
/// What an endpoint requires of a FAPI caller, as the authentication handler must apply it so the checks run in
/// the spec's order (scopes, then roles): the scopes of its <see cref="FapiScopeRequirement"/>s, and its role
/// requirements (<c>RequireFapiRole</c> metadata and <see cref="FapiRoleAuthorizationRequirement"/>s, together
/// replacing <c>AcceptedRoles</c>). Worked out once per endpoint, so the same list objects come back each time and
/// a request's verdict is reused across its entry points.
/// </summary>
internal sealed record EndpointFapiRequirements(IReadOnlyList<string>? Scopes, IReadOnlyList<FapiRoleRequirement>? Roles)
{
    private static readonly ConditionalWeakTable<Endpoint, EndpointFapiRequirements> Known = [];
    private static readonly EndpointFapiRequirements None = new(null, null);

    /// <summary>The endpoint's requirements; <paramref name="services"/> gives the policy provider, looked up only the first time.</summary>
    public static async ValueTask<EndpointFapiRequirements> ForAsync(Endpoint? endpoint, IServiceProvider services)
    {
        if (endpoint is null)
        {
            return None;
        }

        if (Known.TryGetValue(endpoint, out EndpointFapiRequirements? known))
        {
            return known;
        }

        var requirements = new List<IAuthorizationRequirement>();
        foreach (AuthorizationPolicy policy in endpoint.Metadata.GetOrderedMetadata<AuthorizationPolicy>())
        {
            requirements.AddRange(policy.Requirements);
        }

        if (services.GetService(typeof(IAuthorizationPolicyProvider)) is IAuthorizationPolicyProvider policies)
        {
            foreach (IAuthorizeData data in endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>())
            {
                // [Authorize] without a policy name means the default policy.
                AuthorizationPolicy? named = data.Policy is { } name
                    ? await policies.GetPolicyAsync(name).ConfigureAwait(false)
                    : await policies.GetDefaultPolicyAsync().ConfigureAwait(false);
                if (named is not null)
                {
                    requirements.AddRange(named.Requirements);
                }
            }
        }

        IReadOnlyList<FapiRoleRequirement>? declared = FapiRoleRequirementMetadata.Of(endpoint);
        FapiRoleRequirement[] fromPolicies = requirements.OfType<FapiRoleAuthorizationRequirement>().Select(r => r.Requirement).ToArray();
        // The same list object as the endpoint's other entry points when no policy adds roles: one verdict serves all.
        IReadOnlyList<FapiRoleRequirement>? roles = fromPolicies.Length == 0 ? declared : [.. (declared ?? []).Concat(fromPolicies).Distinct()];
        string[] scopes = requirements.OfType<FapiScopeRequirement>().SelectMany(r => r.Scopes).Distinct(StringComparer.Ordinal).ToArray();
        var found = new EndpointFapiRequirements(scopes.Length == 0 ? null : scopes, roles);
        return Known.GetValue(endpoint, _ => found);
    }
}
