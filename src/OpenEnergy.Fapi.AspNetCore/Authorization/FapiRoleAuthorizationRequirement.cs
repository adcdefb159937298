using Microsoft.AspNetCore.Authorization;
using OpenEnergy.Fapi.Validation;

namespace OpenEnergy.Fapi.AspNetCore.Authorization;

/// <summary>
/// An authorization requirement: the client certificate of the consumer FAPI validation accepted carries at least
/// one of the roles of <see cref="Requirement"/> (IB1 directory roles). On an endpoint, policies with this
/// requirement replace <c>OpenEnergy:Fapi:AcceptedRoles</c>, as <c>RequireFapiRole</c> does.
/// </summary>
public sealed class FapiRoleAuthorizationRequirement : IAuthorizationRequirement
{
    /// <summary>Creates the requirement.</summary>
    /// <param name="anyOf">The roles accepted (at least one).</param>
    public FapiRoleAuthorizationRequirement(params string[] anyOf) => Requirement = new FapiRoleRequirement(anyOf);

    /// <summary>The roles accepted.</summary>
    public FapiRoleRequirement Requirement { get; }
}
