using Microsoft.Extensions.Options;
using OpenEnergy.Fapi.Configuration;

namespace OpenEnergy.Fapi.Redis;

/// <summary>Checks at start-up that <c>OpenEnergy:Fapi:SharedCache:Redis</c> is present and parses.</summary>
internal sealed class RedisSharedCacheOptionsValidator : IValidateOptions<FapiOptions>
{
    public ValidateOptionsResult Validate(string? name, FapiOptions options)
    {
        try
        {
            _ = RedisConfiguration.Parse(options.SharedCache?.Redis);
            return ValidateOptionsResult.Success;
        }
        catch (InvalidOperationException ex)
        {
            return ValidateOptionsResult.Fail(ex.Message);
        }
    }
}
