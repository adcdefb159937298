using Microsoft.Extensions.Options;
using OpenEnergy.Fapi.Certificates;
using OpenEnergy.Fapi.Headers;

namespace OpenEnergy.Fapi.Configuration;

/// <summary>
/// Checks <see cref="FapiOptions"/> at start-up. Every message names the configuration key and what to do,
/// so that a misconfigured provider refuses to start instead of refusing every request.
/// </summary>
internal sealed class FapiOptionsValidator : IValidateOptions<FapiOptions>
{
    private const string Prefix = FapiOptions.SectionName + ":";
    private const int MinForwardedCertificateHeaderLength = 16 * 1024;

    public ValidateOptionsResult Validate(string? name, FapiOptions options)
    {
        var failures = new List<string>();

        CheckUrl(options.Issuer, "Issuer", required: true, options.AllowInsecureHttp, failures);
        CheckUrl(options.IntrospectionEndpoint, "IntrospectionEndpoint", required: false, options.AllowInsecureHttp, failures);

        if (string.IsNullOrWhiteSpace(options.ClientId))
        {
            failures.Add($"{Prefix}ClientId is required: the provider's client id (software statement) at the directory.");
        }

        CheckPositive(options.CacheDuration, "CacheDuration", failures);
        CheckPositive(options.InactiveCacheDuration, "InactiveCacheDuration", failures);
        CheckPositive(options.IntrospectionTimeout, "IntrospectionTimeout", failures);
        CheckPositive(options.DiscoveryRefreshInterval, "DiscoveryRefreshInterval", failures);
        CheckPositive(options.RetryAfter, "RetryAfter", failures);
        CheckPositive(options.IntrospectionQueueTimeout, "IntrospectionQueueTimeout", failures);
        if (options.IntrospectionQueueTimeout > TimeSpan.FromMinutes(1))
        {
            failures.Add($"{Prefix}IntrospectionQueueTimeout is at most one minute; it is {options.IntrospectionQueueTimeout}.");
        }
        CheckPositive(options.CertificateReloadInterval, "CertificateReloadInterval", failures);
        CheckPositive(options.HealthProbeInterval, "HealthProbeInterval", failures);
        foreach ((TimeSpan value, string key) in new[] { (options.CertificateReloadInterval, "CertificateReloadInterval"), (options.HealthProbeInterval, "HealthProbeInterval") })
        {
            if (value > TimeSpan.FromDays(1))
            {
                failures.Add($"{Prefix}{key} is at most one day; it is {value}.");
            }
        }

        CheckPositive(options.HealthCertificateExpiryWarning, "HealthCertificateExpiryWarning", failures);
        if (options.ClockSkew < TimeSpan.Zero || options.ClockSkew > TimeSpan.FromMinutes(5))
        {
            failures.Add($"{Prefix}ClockSkew must be between 0 and 5 minutes (the scheme asks for at most 10 s); it is {options.ClockSkew}.");
        }

        CheckPositive(options.IntrospectionAttemptTimeout, "IntrospectionAttemptTimeout", failures);
        CheckPositive(options.CircuitBreakerSamplingDuration, "CircuitBreakerSamplingDuration", failures);
        CheckPositive(options.CircuitBreakerBreakDuration, "CircuitBreakerBreakDuration", failures);
        if (options.IntrospectionRetryCount is < 0 or > 10)
        {
            failures.Add($"{Prefix}IntrospectionRetryCount must be between 0 and 10; it is {options.IntrospectionRetryCount}.");
        }

        if (options.IntrospectionRetryDelay < TimeSpan.Zero)
        {
            failures.Add($"{Prefix}IntrospectionRetryDelay must not be negative; it is {options.IntrospectionRetryDelay}.");
        }

        if (options.CircuitBreakerFailureRatio is <= 0 or > 1)
        {
            failures.Add($"{Prefix}CircuitBreakerFailureRatio must be above 0 and at most 1; it is {options.CircuitBreakerFailureRatio}.");
        }

        if (options.CircuitBreakerMinimumThroughput < 2)
        {
            failures.Add($"{Prefix}CircuitBreakerMinimumThroughput must be at least 2; it is {options.CircuitBreakerMinimumThroughput}.");
        }

        if (options.MaxConcurrentIntrospections < 1 || options.MaxQueuedIntrospections < 0)
        {
            failures.Add($"{Prefix}MaxConcurrentIntrospections must be at least 1 and MaxQueuedIntrospections at least 0.");
        }

        if (options.CacheSizeLimit < 1)
        {
            failures.Add($"{Prefix}CacheSizeLimit must be at least 1; it is {options.CacheSizeLimit}.");
        }

        if (string.IsNullOrEmpty(options.Realm) || !WwwAuthenticateHeader.IsQuotableText(options.Realm))
        {
            failures.Add($"{Prefix}Realm must be non-empty printable ASCII without '\"' or '\\'.");
        }

        if (!string.IsNullOrEmpty(options.ClientCertificateHeader) && !IsToken(options.ClientCertificateHeader))
        {
            failures.Add($"{Prefix}ClientCertificateHeader '{options.ClientCertificateHeader}' is not a valid HTTP header name.");
        }

        if (!string.IsNullOrEmpty(options.ClientCertificateVerifyHeader) && !IsToken(options.ClientCertificateVerifyHeader))
        {
            failures.Add($"{Prefix}ClientCertificateVerifyHeader '{options.ClientCertificateVerifyHeader}' is not a valid HTTP header name.");
        }

        foreach (string proxy in options.TrustedProxies)
        {
            if (TrustedProxyList.CheckEntry(proxy) is { } problem)
            {
                failures.Add($"{Prefix}TrustedProxies: {problem}");
            }
        }

        if (options.MaxForwardedCertificateHeaderLength is < MinForwardedCertificateHeaderLength or > ForwardedCertificateDecoder.MaxHeaderLength)
        {
            failures.Add($"{Prefix}MaxForwardedCertificateHeaderLength must be between {MinForwardedCertificateHeaderLength} (a URL-encoded chain of three certificates) and {ForwardedCertificateDecoder.MaxHeaderLength} characters; it is {options.MaxForwardedCertificateHeaderLength}.");
        }

        if (options.MaxConcurrentIntrospectionsPerClient < 1)
        {
            failures.Add($"{Prefix}MaxConcurrentIntrospectionsPerClient must be at least 1; it is {options.MaxConcurrentIntrospectionsPerClient}.");
        }

        if (!Enum.IsDefined(options.Profile))
        {
            failures.Add($"{Prefix}Profile must be OpenEnergy or Ib1.");
        }

        if (options.ClientIdBinding is { } binding && !Enum.IsDefined(binding))
        {
            failures.Add($"{Prefix}ClientIdBinding must be None or CertificateUriSan.");
        }

        if (options.TlsProtocols is { } protocols && !Enum.IsDefined(protocols))
        {
            failures.Add($"{Prefix}TlsProtocols must be Tls12AndTls13 or Tls13.");
        }

        for (int i = 0; i < options.AcceptedRoles.Count; i++)
        {
            if (Validation.FapiRoleRequirement.CheckRole(options.AcceptedRoles[i]) is { } problem)
            {
                failures.Add($"{Prefix}AcceptedRoles:{i}: {problem}");
            }
        }

        CheckSignedTokens(options, failures);

        if (!Enum.IsDefined(options.AuthorizationServerTrust))
        {
            failures.Add($"{Prefix}AuthorizationServerTrust must be SystemAndBundle or BundleOnly.");
        }

        if (failures.Count == 0)
        {
            try
            {
                // Loads the key pair and CA bundle, so a wrong path or a key of another certificate stops start-up.
                _ = ProviderCredentials.Load(options);
                if (!string.IsNullOrWhiteSpace(options.TrustedClientCaPath))
                {
                    _ = CertificateAuthorityBundle.Load(options.TrustedClientCaPath, "TrustedClientCaPath");
                }
            }
            catch (InvalidOperationException ex)
            {
                failures.Add(ex.Message);
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckSignedTokens(FapiOptions options, List<string> failures)
    {
        if (options.AccessTokenFormat is { } format && !Enum.IsDefined(format))
        {
            failures.Add($"{Prefix}AccessTokenFormat must be Opaque, Jwt or Auto.");
        }

        if (!Enum.IsDefined(options.IntrospectionResponseFormat))
        {
            failures.Add($"{Prefix}IntrospectionResponseFormat must be Json or Jwt.");
        }

        for (int i = 0; i < options.AllowedSigningAlgorithms.Count; i++)
        {
            if (Jwt.JwsAlgorithms.CheckConfigured(options.AllowedSigningAlgorithms[i]) is { } problem)
            {
                failures.Add($"{Prefix}AllowedSigningAlgorithms:{i}: {problem}");
            }
        }

        if (options.JwksRefreshInterval < TimeSpan.FromSeconds(1))
        {
            failures.Add($"{Prefix}JwksRefreshInterval must be at least 1 second (it bounds how often invented key ids can make the key set be fetched); it is {options.JwksRefreshInterval}.");
        }

        CheckPositive(options.JwksAutomaticRefreshInterval, "JwksAutomaticRefreshInterval", failures);
        CheckPositive(options.IntrospectionResponseMaxAge, "IntrospectionResponseMaxAge", failures);

        AccessTokenFormat effective = options.EffectiveAccessTokenFormat;
        if (effective != AccessTokenFormat.Opaque && options.ValidateAudience && string.IsNullOrWhiteSpace(options.Audience))
        {
            string why = options.AccessTokenFormat is null ? $"AccessTokenFormat is {effective}, the {options.Profile} profile's default" : $"AccessTokenFormat is {effective}";
            failures.Add($"{Prefix}Audience is required when access tokens may be JWTs ({why}): the value the authorization server puts in aud for this API. "
                + "Set AccessTokenFormat to Opaque to introspect every token instead, or ValidateAudience to false (a deviation from RFC 9068).");
        }
    }

    private static void CheckUrl(string? value, string key, bool required, bool allowHttp, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
            {
                failures.Add($"{Prefix}{key} is required: the authorization server's base URL, e.g. https://matls-auth.directory.example/.");
            }

            return;
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            failures.Add($"{Prefix}{key} '{value}' is not an absolute http(s) URL.");
        }
        else if (uri.Scheme == Uri.UriSchemeHttp && !allowHttp)
        {
            failures.Add($"{Prefix}{key} '{value}' uses http: introspection must use https (set AllowInsecureHttp only in tests).");
        }
    }

    private static void CheckPositive(TimeSpan value, string key, List<string> failures)
    {
        if (value <= TimeSpan.Zero)
        {
            failures.Add($"{Prefix}{key} must be positive; it is {value}.");
        }
    }

    private static bool IsToken(string name)
    {
        foreach (char c in name)
        {
            if (c <= ' ' || c >= 0x7F || "()<>@,;:\\\"/[]?={}".Contains(c, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}
