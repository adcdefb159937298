namespace OpenEnergy.Fapi.AspNetCore;

/// <summary>Constants of the ASP.NET Core adapter.</summary>
public static class FapiAuthenticationDefaults
{
    /// <summary>The authentication scheme name.</summary>
    public const string AuthenticationScheme = "OpenEnergyFapi";
}
