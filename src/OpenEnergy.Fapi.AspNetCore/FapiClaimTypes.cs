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

    /// <summary>A directory role from the client certificate's IB1 roles extension (<c>1.3.6.1.4.1.62329.1.1</c>); one claim per role.</summary>
    public const string DirectoryRole = "ib1_role";

    /// <summary>The application named in the client certificate's IB1 application extension (<c>1.3.6.1.4.1.62329.1.2</c>).</summary>
    public const string Application = "ib1_application";

    /// <summary>The member named in the client certificate's IB1 member extension (<c>1.3.6.1.4.1.62329.1.3</c>).</summary>
    public const string Member = "ib1_member";

    /// <summary>A URI subject alternative name of the client certificate; one claim per URI.</summary>
    public const string CertificateUri = "cert_uri";
}
