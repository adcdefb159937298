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

    /// <summary>The role requirements an endpoint's metadata holds, or <see langword="null"/> for none (then <c>AcceptedRoles</c> applies).</summary>
    internal static IReadOnlyList<FapiRoleRequirement>? Of(Microsoft.AspNetCore.Http.Endpoint? endpoint)
    {
        IReadOnlyList<FapiRoleRequirementMetadata>? found = endpoint?.Metadata.GetOrderedMetadata<FapiRoleRequirementMetadata>();
        return found is { Count: > 0 } ? [.. found.Select(m => m.Requirement)] : null;
    }
}
