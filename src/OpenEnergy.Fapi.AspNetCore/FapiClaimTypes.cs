namespace OpenEnergy.Fapi.AspNetCore;

/// <summary>The claim types of a principal built from an accepted request.</summary>
public static class FapiClaimTypes
{
    /// <summary>The consumer's <c>client_id</c> (also the name identifier).</summary>
    public const string ClientId = "client_id";

    /// <summary>The consumer's <c>organisation_id</c>.</summary>
    public const string OrganisationId = "organisation_id";

    /// <summary>One claim per scope of the token.</summary>
    public const string Scope = "scope";

    /// <summary>One claim per software role.</summary>
    public const string SoftwareRole = "software_role";

    /// <summary>The <c>x5t#S256</c> thumbprint of the presented certificate.</summary>
    public const string CertificateThumbprint = "cnf_x5t_s256";
}
