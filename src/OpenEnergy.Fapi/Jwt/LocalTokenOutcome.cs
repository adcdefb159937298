using OpenEnergy.Fapi.Introspection;
using OpenEnergy.Fapi.Validation;

namespace OpenEnergy.Fapi.Jwt;

/// <summary>What local validation of a JWT access token decided.</summary>
internal readonly record struct LocalTokenOutcome(LocalTokenOutcomeKind Kind, IntrospectionResult? Claims = null, FapiFailureReason Reason = default, string? MissingClaim = null)
{
    /// <summary>Not for local validation (<c>Auto</c>): introspect it.</summary>
    public static LocalTokenOutcome Introspect => new(LocalTokenOutcomeKind.Introspect);

    public static LocalTokenOutcome Validated(IntrospectionResult claims) => new(LocalTokenOutcomeKind.Validated, claims);

    public static LocalTokenOutcome Refused(FapiFailureReason reason, string? missingClaim = null) => new(LocalTokenOutcomeKind.Refused, Reason: reason, MissingClaim: missingClaim);
}

/// <summary>The kinds of <see cref="LocalTokenOutcome"/>.</summary>
internal enum LocalTokenOutcomeKind
{
    /// <summary>Signature, header and claims check out: <see cref="LocalTokenOutcome.Claims"/> is judged and cached like an introspection answer.</summary>
    Validated,

    /// <summary>Refused for <see cref="LocalTokenOutcome.Reason"/> (401, or 503 when the key set is out of reach); not cached.</summary>
    Refused,

    /// <summary>Left to introspection (<c>Auto</c> only).</summary>
    Introspect,
}
