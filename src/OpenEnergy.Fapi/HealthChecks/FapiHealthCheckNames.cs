namespace OpenEnergy.Fapi.HealthChecks;

/// <summary>The names under which <c>AddHealthChecks().AddOpenEnergyFapi()</c> registers its checks.</summary>
public static class FapiHealthCheckNames
{
    /// <summary>Discovery and an introspection over mutual TLS, probed at most once per <c>HealthProbeInterval</c>.</summary>
    public const string AuthorizationServer = "openenergy-fapi-authorization-server";

    /// <summary>The expiry of the transport certificate and the trusted CA certificates.</summary>
    public const string Certificates = "openenergy-fapi-certificates";

    /// <summary>The shared cache, when one is configured.</summary>
    public const string SharedCache = "openenergy-fapi-shared-cache";

    /// <summary>The issuer's key set, when signatures are checked.</summary>
    public const string SigningKeys = "openenergy-fapi-signing-keys";

    /// <summary>The tag every one of these checks carries, for filtering (<c>Predicate = c => c.Tags.Contains(Tag)</c>).</summary>
    public const string Tag = "openenergy-fapi";
}
