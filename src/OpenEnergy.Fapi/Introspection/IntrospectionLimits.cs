namespace OpenEnergy.Fapi.Introspection;

/// <summary>Bounds on what the validator accepts from a request and from the authorization server.</summary>
public static class IntrospectionLimits
{
    /// <summary>The longest bearer token accepted; longer ones get 400 without an introspection call.</summary>
    public const int MaxTokenLength = 4096;

    /// <summary>The largest introspection or discovery response read; larger ones are an outage (503).</summary>
    public const int MaxResponseBytes = 64 * 1024;

    /// <summary>The deepest JSON nesting accepted in those responses.</summary>
    public const int MaxJsonDepth = 16;
}
