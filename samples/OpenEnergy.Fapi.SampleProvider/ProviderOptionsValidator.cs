using Microsoft.Extensions.Options;

namespace OpenEnergy.Fapi.SampleProvider;

/// <summary>Checks the sample's own settings at start-up, with messages that name the keys.</summary>
internal sealed class ProviderOptionsValidator : IValidateOptions<ProviderOptions>
{
    public ValidateOptionsResult Validate(string? name, ProviderOptions options)
        => string.IsNullOrWhiteSpace(options.RequiredScope) && !options.AllowAnyScope
            ? ValidateOptionsResult.Fail(
                "Provider:RequiredScope is empty: set it to the scope your datasets need (e.g. energy:read), " +
                "or set Provider:AllowAnyScope=true to serve any active bound token whatever its scopes.")
            : ValidateOptionsResult.Success;
}
