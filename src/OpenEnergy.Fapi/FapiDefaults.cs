namespace OpenEnergy.Fapi;

/// <summary>Names shared by the core and its adapters.</summary>
public static class FapiDefaults
{
    /// <summary>The name of the <see cref="System.Net.Http.HttpClient"/> (from <see cref="System.Net.Http.IHttpClientFactory"/>) that talks to the authorization server over mutual TLS.</summary>
    public const string HttpClientName = "OpenEnergy.Fapi.AuthorizationServer";

    /// <summary>
    /// How long before a certificate expires it is reported as soon to expire: the one threshold for such warnings
    /// (the command-line tool's <c>inspect</c> and <c>ca-bundle check</c> use it). 30 days.
    /// </summary>
    public static readonly TimeSpan CertificateExpiryWarning = TimeSpan.FromDays(30);

    /// <summary>The meter name of the validator's metrics.</summary>
    public const string MeterName = "OpenEnergy.Fapi";

    /// <summary>
    /// The name of the validator's <see cref="System.Diagnostics.ActivitySource"/> (the same as the meter's): spans for
    /// the validation of a request, introspection calls, discovery and key-set fetches. Add it to a tracer with
    /// <c>AddSource(FapiDefaults.ActivitySourceName)</c>.
    /// </summary>
    public const string ActivitySourceName = MeterName;
}
