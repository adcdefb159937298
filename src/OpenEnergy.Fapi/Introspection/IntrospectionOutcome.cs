namespace OpenEnergy.Fapi.Introspection;

/// <summary>What asking the authorization server about a token produced.</summary>
internal readonly struct IntrospectionOutcome
{
    private IntrospectionOutcome(IntrospectionOutcomeKind kind, IntrospectionResult? result, string? reason, bool credentialsRefused = false)
    {
        Kind = kind;
        Result = result;
        Reason = reason;
        CredentialsRefused = credentialsRefused;
    }

    /// <summary>Whether the server refused our own credentials (401 or 403): a fault of this provider, not an outage.</summary>
    public bool CredentialsRefused { get; }

    public IntrospectionOutcomeKind Kind { get; }

    /// <summary>The answer, when <see cref="Kind"/> is <see cref="IntrospectionOutcomeKind.Answered"/>.</summary>
    public IntrospectionResult? Result { get; }

    /// <summary>Why there is no answer (for logs; never sent to the client).</summary>
    public string? Reason { get; }

    public static IntrospectionOutcome From(IntrospectionResult result) => new(IntrospectionOutcomeKind.Answered, result, null);

    public static IntrospectionOutcome MissingActive() => new(IntrospectionOutcomeKind.MissingActive, null, "the introspection response has no 'active' member");

    public static IntrospectionOutcome Unavailable(string reason) => new(IntrospectionOutcomeKind.Unavailable, null, reason);

    public static IntrospectionOutcome Refused(int statusCode) => new(IntrospectionOutcomeKind.Unavailable, null, $"our credentials were refused (HTTP {statusCode})", credentialsRefused: true);

    public static IntrospectionOutcome Shed(string reason) => new(IntrospectionOutcomeKind.Shed, null, reason);

    public static IntrospectionOutcome OverClientShare() => new(IntrospectionOutcomeKind.OverClientShare, null, "the client is over its share of authorization-server calls");
}

/// <summary>The kinds of <see cref="IntrospectionOutcome"/>.</summary>
internal enum IntrospectionOutcomeKind
{
    /// <summary>A JSON object with <c>active</c>: a verdict on the token, cacheable.</summary>
    Answered,

    /// <summary>A JSON object without <c>active</c> (400 <c>invalid_request</c>, as the scheme asks); not cached.</summary>
    MissingActive,

    /// <summary>No verdict: outage, timeout, TLS failure, non-200, not JSON, our credentials refused (503); never cached.</summary>
    Unavailable,

    /// <summary>Not asked: the presenting client already has its share of calls under way (429); nothing cached.</summary>
    OverClientShare,

    /// <summary>Not asked: too many calls are waiting for the authorization server, or the wait would be too long (503); nothing cached.</summary>
    Shed,
}
