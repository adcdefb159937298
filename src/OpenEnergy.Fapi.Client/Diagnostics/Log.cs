using Microsoft.Extensions.Logging;

namespace OpenEnergy.Fapi.Client.Diagnostics;

/// <summary>Every message the client writes: never a token, a key or a certificate.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Debug, "Discovered the token endpoint {Endpoint} for client '{Client}'")]
    public static partial void TokenEndpointDiscovered(this ILogger logger, Uri endpoint, string client);

    [LoggerMessage(2, LogLevel.Information, "Client '{Client}' obtained an access token from {Endpoint}; it is replaced after {RefreshAt}")]
    public static partial void TokenObtained(this ILogger logger, string client, Uri endpoint, DateTimeOffset refreshAt);

    [LoggerMessage(3, LogLevel.Warning, "Client '{Client}' could not obtain an access token: {Reason}")]
    public static partial void TokenRequestFailed(this ILogger logger, string client, string reason);

    [LoggerMessage(4, LogLevel.Debug, "{Method} {Uri} (x-fapi-interaction-id {InteractionId})")]
    public static partial void Sending(this ILogger logger, HttpMethod method, Uri? uri, string interactionId);

    [LoggerMessage(5, LogLevel.Information, "The provider answered 401 invalid_token to {Method} {Uri} (x-fapi-interaction-id {InteractionId}); retrying once with a new token")]
    public static partial void TokenRejected(this ILogger logger, HttpMethod method, Uri? uri, string interactionId);

    [LoggerMessage(6, LogLevel.Information, "The provider refused {Method} {Uri} with {StatusCode} (x-fapi-interaction-id {InteractionId})")]
    public static partial void Refused(this ILogger logger, HttpMethod method, Uri? uri, int statusCode, string interactionId);
}
