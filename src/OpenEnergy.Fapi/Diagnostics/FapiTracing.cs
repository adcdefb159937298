using System.Diagnostics;

namespace OpenEnergy.Fapi.Diagnostics;

/// <summary>
/// The validator's spans and their tags. A span carries verdicts, reasons, statuses and counts, never a token or
/// a certificate; the client certificate's thumbprint only with <c>TraceThumbprints</c>. Starting a span costs
/// nothing when no tracer listens to <see cref="FapiDefaults.ActivitySourceName"/>.
/// </summary>
internal static class FapiTracing
{
    public static readonly ActivitySource Source = new(FapiDefaults.ActivitySourceName, typeof(FapiTracing).Assembly.GetName().Version?.ToString());

    /// <summary>The validation of one request, a child of the host's request span.</summary>
    public const string Validation = "openenergy.fapi.validate";

    /// <summary>One introspection call, retries included.</summary>
    public const string Introspection = "openenergy.fapi.introspect";

    /// <summary>One fetch of the discovery document.</summary>
    public const string Discovery = "openenergy.fapi.discovery";

    /// <summary>One fetch of the issuer's key set.</summary>
    public const string KeySet = "openenergy.fapi.jwks";

    public const string VerdictTag = "openenergy.fapi.verdict";
    public const string ReasonTag = "openenergy.fapi.reason";
    public const string StatusCodeTag = "openenergy.fapi.status_code";
    public const string CacheTag = "openenergy.fapi.cache";
    public const string ThumbprintTag = "openenergy.fapi.client_certificate.thumbprint";
    public const string OutcomeTag = "openenergy.fapi.outcome";
    public const string AttemptsTag = "openenergy.fapi.attempts";
    public const string HttpStatusTag = "http.response.status_code";
    public const string UrlTag = "url.full";
    public const string KeyCountTag = "openenergy.fapi.key_count";

    /// <summary>Sets a tag on the current span when it is one of ours (a cache level, decided deep in the validator).</summary>
    public static void TagCurrent(string name, string value)
    {
        if (Activity.Current is { } activity && ReferenceEquals(activity.Source, Source))
        {
            activity.SetTag(name, value);
        }
    }
}
