using Microsoft.Extensions.Options;
using OpenEnergy.Fapi.Caching;

namespace OpenEnergy.Fapi.Configuration;

/// <summary>
/// Checks <see cref="FapiSettings.SharedCache"/> at start-up, knowing whether a shared store is registered: the
/// integrity key is required with one, and a Redis setting without the Redis registration is refused (a shared cache
/// that an operator believes on must never be silently off).
/// </summary>
internal sealed class SharedCacheOptionsValidator : IValidateOptions<FapiOptions>
{
    private const string Prefix = FapiOptions.SectionName + ":SharedCache:";
    private static readonly TimeSpan MaxTimeout = TimeSpan.FromSeconds(5);

    private readonly bool _storeRegistered;

    public SharedCacheOptionsValidator(IEnumerable<SharedCacheRegistration> registrations) => _storeRegistered = registrations.Any();

    public ValidateOptionsResult Validate(string? name, FapiOptions options)
    {
        SharedCacheOptions? o = options.SharedCache;
        if (o is null)
        {
            return ValidateOptionsResult.Fail($"{FapiOptions.SectionName}:SharedCache must not be null.");
        }

        var failures = new List<string>();
        if (!_storeRegistered)
        {
            if (!string.IsNullOrWhiteSpace(o.Redis))
            {
                failures.Add($"{Prefix}Redis is set, but no shared cache is registered: add the OpenEnergy.Fapi.Redis package and call services.AddOpenEnergyFapi(…).AddRedisSharedCache().");
            }

            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }

        if (string.IsNullOrWhiteSpace(o.IntegrityKey))
        {
            failures.Add($"{Prefix}IntegrityKey is required with a shared cache: base64 of at least {SharedCacheOptions.MinIntegrityKeyBytes} random bytes, the same on every instance. Make one with: {SharedCacheIntegrityKey.MakeOneWith}");
        }
        else if (SharedCacheIntegrityKey.Decode(o.IntegrityKey) is null)
        {
            // The value itself is a secret: never echoed.
            failures.Add($"{Prefix}IntegrityKey must be base64 of at least {SharedCacheOptions.MinIntegrityKeyBytes} bytes. Make one with: {SharedCacheIntegrityKey.MakeOneWith}");
        }

        if (o.KeyPrefix is null || o.KeyPrefix.Length > 64 || o.KeyPrefix.Any(char.IsControl))
        {
            failures.Add($"{Prefix}KeyPrefix must be at most 64 characters without control characters (default '{SharedCacheOptions.DefaultKeyPrefix}').");
        }

        if (o.Timeout <= TimeSpan.Zero || o.Timeout > MaxTimeout)
        {
            failures.Add($"{Prefix}Timeout must be above 0 and at most {MaxTimeout.TotalSeconds} s (a slower read is a miss, and the authorization server is asked instead); it is {o.Timeout}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
