using OpenEnergy.Fapi.Validation;

namespace OpenEnergy.Fapi.AspNetCore.Endpoints;

/// <summary>
/// Endpoint metadata: the client certificate must carry one of these directory roles. Added by
/// <c>RequireFapiRole</c>; several on one endpoint (or its groups) must all hold, and together they replace
/// <c>OpenEnergy:Fapi:AcceptedRoles</c> for the endpoint.
/// </summary>
public sealed class FapiRoleRequirementMetadata
{
    /// <summary>Creates the metadata.</summary>
    /// <param name="requirement">The requirement.</param>
    public FapiRoleRequirementMetadata(FapiRoleRequirement requirement)
    {
        ArgumentNullException.ThrowIfNull(requirement);
        Requirement = requirement;
    }

    /// <summary>The roles accepted (any one of them).</summary>
    public FapiRoleRequirement Requirement { get; }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Microsoft.AspNetCore.Http.Endpoint, Holder> Known = [];

    /// <summary>
    /// The role requirements an endpoint's metadata holds, or <see langword="null"/> for none (then
    /// <c>AcceptedRoles</c> applies). Worked out once per endpoint: every entry point gets the same list object,
    /// so a request's verdict is reused across them.
    /// </summary>
    internal static IReadOnlyList<FapiRoleRequirement>? Of(Microsoft.AspNetCore.Http.Endpoint? endpoint)
    {
        if (endpoint is null)
        {
            return null;
        }

        return Known.GetValue(endpoint, static e =>
        {
            IReadOnlyList<FapiRoleRequirementMetadata> found = e.Metadata.GetOrderedMetadata<FapiRoleRequirementMetadata>();
            return new Holder(found.Count > 0 ? [.. found.Select(m => m.Requirement).Distinct()] : null);
        }).Roles;
    }

    private sealed record Holder(IReadOnlyList<FapiRoleRequirement>? Roles);
}
