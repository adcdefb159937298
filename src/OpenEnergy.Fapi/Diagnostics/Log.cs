using Microsoft.Extensions.Logging;
using OpenEnergy.Fapi.Validation;

namespace OpenEnergy.Fapi.Diagnostics;

/// <summary>
/// Every message the core writes. Tokens appear only as a short hash prefix and certificates only as their
/// thumbprint: never a token, a key or a PEM block.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Debug, "FAPI request accepted (interaction {InteractionId}): client {ClientId}, organisation {OrganisationId}, certificate {Thumbprint}, token #{TokenHash}")]
    public static partial void RequestAccepted(this ILogger logger, string? interactionId, string? clientId, string? organisationId, string thumbprint, string tokenHash);

    [LoggerMessage(2, LogLevel.Information, "FAPI request rejected (interaction {InteractionId}) with {StatusCode} {Error}: {Reason}; client {ClientId}, presented certificate {PresentedThumbprint}, bound certificate {BoundThumbprint}, token #{TokenHash}")]
    public static partial void RequestRejected(this ILogger logger, string? interactionId, int statusCode, string? error, FapiFailureReason reason, string? clientId, string? presentedThumbprint, string? boundThumbprint, string? tokenHash);

    [LoggerMessage(3, LogLevel.Warning, "The authorization server gave no verdict on token #{TokenHash}: {Reason}")]
    public static partial void IntrospectionUnavailable(this ILogger logger, string tokenHash, string reason);

    [LoggerMessage(4, LogLevel.Critical, "The authorization server refused the provider's own credentials (HTTP {StatusCode}) at {Endpoint}: check OpenEnergy:Fapi:ClientId, the transport certificate and its registration at the directory")]
    public static partial void CredentialsRefused(this ILogger logger, int statusCode, Uri endpoint);

    [LoggerMessage(5, LogLevel.Warning, "Discovery at {Url} failed: {Reason}")]
    public static partial void DiscoveryFailed(this ILogger logger, Uri url, string reason);

    [LoggerMessage(6, LogLevel.Warning, "Discovery failed; still using the document fetched at {FetchedAt}")]
    public static partial void DiscoveryStale(this ILogger logger, DateTimeOffset fetchedAt);

    [LoggerMessage(7, LogLevel.Warning, "The authorization server sent a non-canonical cnf.x5t#S256 for token #{TokenHash}; treated as a binding mismatch")]
    public static partial void NonCanonicalBinding(this ILogger logger, string tokenHash);

    [LoggerMessage(8, LogLevel.Debug, "Introspected token #{TokenHash} in {ElapsedMilliseconds} ms: {Outcome}")]
    public static partial void Introspected(this ILogger logger, string tokenHash, double elapsedMilliseconds, string outcome);

    [LoggerMessage(9, LogLevel.Debug, "Discovered introspection endpoint {Endpoint} (issuer {Issuer})")]
    public static partial void Discovered(this ILogger logger, Uri endpoint, string? issuer);
}
