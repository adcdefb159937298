using Microsoft.Extensions.Options;

namespace OpenEnergy.Fapi.SampleProvider;

/// <summary>Checks the sample's own settings at start-up, with messages that name the keys.</summary>
internal sealed class ProviderOptionsValidator : IValidateOptions<ProviderOptions>
{
    public ValidateOptionsResult Validate(string? name, ProviderOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.RequiredScope) && !options.AllowAnyScope)
        {
            failures.Add(
                "Provider:RequiredScope is empty: set it to the scope your datasets need (e.g. energy:read), " +
                "or set Provider:AllowAnyScope=true to serve any active bound token whatever its scopes.");
        }

        _ = options.DatasetRoleRequirements(failures);
        _ = options.HealthEndpoints(failures);
        if (options.ReadinessTimeout <= TimeSpan.Zero)
        {
            failures.Add($"Provider:ReadinessTimeout must be positive; it is {options.ReadinessTimeout}.");
        }

        if (options.DevAuthorizationServerPort is < 0 or > 65535)
        {
            failures.Add($"Provider:DevAuthorizationServerPort must be a port number (0 picks a free one); it is {options.DevAuthorizationServerPort}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
