using StackExchange.Redis;

namespace OpenEnergy.Fapi.Redis;

/// <summary>Reads <c>OpenEnergy:Fapi:SharedCache:Redis</c>; never shows the password.</summary>
internal static class RedisConfiguration
{
    public const string Key = "OpenEnergy:Fapi:SharedCache:Redis";

    /// <summary>Parses the configuration string; throws <see cref="InvalidOperationException"/> naming the key.</summary>
    public static ConfigurationOptions Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidOperationException($"{Key} is required by AddRedisSharedCache: a StackExchange.Redis configuration string, e.g. localhost:6379 or redis.internal:6380,ssl=true,password=….");
        }

        ConfigurationOptions options;
        try
        {
            options = ConfigurationOptions.Parse(value);
        }
        catch (ArgumentException ex)
        {
            // The message names the offending keyword, never the password.
            throw new InvalidOperationException($"{Key} is not a valid StackExchange.Redis configuration string: {ex.Message}", ex);
        }

        if (options.EndPoints.Count == 0)
        {
            throw new InvalidOperationException($"{Key} names no Redis endpoint (host:port).");
        }

        return options;
    }

    /// <summary>The endpoints, for logs.</summary>
    public static string Describe(ConfigurationOptions options) => string.Join(", ", options.EndPoints.Select(e => e.ToString()));
}
