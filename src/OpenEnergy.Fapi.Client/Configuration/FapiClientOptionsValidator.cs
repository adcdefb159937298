using Microsoft.Extensions.Options;
using OpenEnergy.Fapi.Configuration;

namespace OpenEnergy.Fapi.Client.Configuration;

/// <summary>Checks a client's <see cref="FapiClientOptions"/> at start-up; every message names the key and what to do.</summary>
internal sealed class FapiClientOptionsValidator : IValidateOptions<FapiClientOptions>
{
    private readonly string _name;
    private readonly string _section;

    public FapiClientOptionsValidator(string name, string section)
    {
        _name = name;
        _section = section;
    }

    public ValidateOptionsResult Validate(string? name, FapiClientOptions options)
    {
        if (name != _name)
        {
            return ValidateOptionsResult.Skip;
        }

        var failures = new List<string>();
        string prefix = _section + ":";
        if (string.IsNullOrWhiteSpace(options.Issuer))
        {
            failures.Add($"{prefix}Issuer is required: the authorization server's base URL, e.g. https://matls-auth.directory.example/.");
        }
        else if (!Uri.TryCreate(options.Issuer, UriKind.Absolute, out Uri? issuer) || issuer.Scheme != Uri.UriSchemeHttps)
        {
            failures.Add($"{prefix}Issuer '{options.Issuer}' is not an absolute https URL.");
        }

        if (string.IsNullOrWhiteSpace(options.ClientId))
        {
            failures.Add($"{prefix}ClientId is required: the consumer's client id (software statement) at the directory.");
        }

        for (int i = 0; i < options.Scopes.Count; i++)
        {
            string scope = options.Scopes[i];
            if (string.IsNullOrEmpty(scope) || scope.Any(c => c <= ' ' || c == '"' || c == '\\' || c > '~'))
            {
                failures.Add($"{prefix}Scopes:{i} '{scope}' is not a scope token (RFC 6749 §3.3: printable ASCII without spaces, quotes or backslashes).");
            }
        }

        if (options.TokenRefreshBefore < TimeSpan.Zero)
        {
            failures.Add($"{prefix}TokenRefreshBefore must not be negative; it is {options.TokenRefreshBefore}.");
        }

        if (options.Timeout <= TimeSpan.Zero || options.Timeout > TimeSpan.FromMinutes(10))
        {
            failures.Add($"{prefix}Timeout must be positive and at most 10 minutes; it is {options.Timeout}.");
        }

        if (options.RetryCount is < 0 or > 10)
        {
            failures.Add($"{prefix}RetryCount must be between 0 and 10; it is {options.RetryCount}.");
        }

        if (failures.Count == 0)
        {
            try
            {
                // Loads the key pair and the bundles, so a wrong path or a key of another certificate stops start-up.
                FapiClientCredentials.Load(options, _section).Dispose();
            }
            catch (InvalidOperationException ex)
            {
                failures.Add(ex.Message);
            }
        }

        return failures.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(failures.Select(f => $"OpenEnergy.Fapi client '{_name}': {f}"));
    }
}
