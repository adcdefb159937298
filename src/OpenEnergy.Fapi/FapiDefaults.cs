namespace OpenEnergy.Fapi;

/// <summary>Names shared by the core and its adapters.</summary>
public static class FapiDefaults
{
    /// <summary>The name of the <see cref="System.Net.Http.HttpClient"/> (from <see cref="System.Net.Http.IHttpClientFactory"/>) that talks to the authorization server over mutual TLS.</summary>
    public const string HttpClientName = "OpenEnergy.Fapi.AuthorizationServer";

    /// <summary>The meter name of the validator's metrics.</summary>
    public const string MeterName = "OpenEnergy.Fapi";
}
