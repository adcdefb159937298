using Microsoft.Extensions.Logging;

namespace OpenEnergy.Fapi.Redis;

/// <summary>What the Redis level writes: endpoints and failure kinds, never the configuration string (it may hold a password).</summary>
internal static partial class Log
{
    [LoggerMessage(101, LogLevel.Information, "Shared cache: connected to Redis at {Endpoints}")]
    public static partial void RedisConnected(this ILogger logger, string endpoints);

    [LoggerMessage(102, LogLevel.Warning, "Shared cache: Redis at {Endpoints} is unreachable; serving without the shared level (each instance asks the authorization server itself) and reconnecting in the background")]
    public static partial void RedisUnreachableAtStart(this ILogger logger, string endpoints);

    [LoggerMessage(103, LogLevel.Warning, "Shared cache: lost the Redis connection to {Endpoint} ({FailureType}); reads are misses until it is back")]
    public static partial void RedisConnectionLost(this ILogger logger, string? endpoint, string failureType);

    [LoggerMessage(104, LogLevel.Information, "Shared cache: Redis connection to {Endpoint} restored")]
    public static partial void RedisConnectionRestored(this ILogger logger, string? endpoint);

    [LoggerMessage(105, LogLevel.Warning, "Shared cache: connecting to Redis at {Endpoints} failed ({ExceptionType}: {Message}); will try again")]
    public static partial void RedisConnectFailed(this ILogger logger, string endpoints, string exceptionType, string message);
}
