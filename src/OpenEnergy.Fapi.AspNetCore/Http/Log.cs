using Microsoft.Extensions.Logging;

namespace OpenEnergy.Fapi.AspNetCore.Http;

internal static partial class Log
{
    [LoggerMessage(101, LogLevel.Information, "FAPI request served: {Method} {Path} for client {ClientId}, organisation {OrganisationId}")]
    public static partial void AccessGranted(this ILogger logger, string method, string? path, string? clientId, string? organisationId);

    [LoggerMessage(102, LogLevel.Information, "x-fapi-interaction-id '{Sent}' is not a UUID; answered with {Replacement}")]
    public static partial void InteractionIdReplaced(this ILogger logger, string sent, string replacement);

    [LoggerMessage(103, LogLevel.Information, "FAPI request refused by provider policy: {Description}")]
    public static partial void PolicyRejected(this ILogger logger, string? description);

    [LoggerMessage(104, LogLevel.Warning, "A client-certificate header arrived from {RemoteAddress}, which is not a trusted proxy; it was ignored")]
    public static partial void UntrustedForwardedCertificate(this ILogger logger, string? remoteAddress);
}
