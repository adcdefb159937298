using Microsoft.Extensions.Options;
using OpenEnergy.Fapi.Configuration;

namespace OpenEnergy.Fapi.HttpListener;

/// <summary>
/// What this host needs of <see cref="FapiOptions"/>, checked at start-up. HttpListener on Linux merges repeated
/// request headers into one value, so a repeated certificate header cannot be told from a single one there; the
/// proxy's own verdict header (<c>ClientCertificateVerifyHeader</c>, exactly <c>SUCCESS</c>) is then what stops a
/// smuggled second header, and header mode requires it.
/// </summary>
internal sealed class HttpListenerOptionsValidator : IValidateOptions<FapiOptions>
{
    public static string? Problem(FapiOptions options)
        => !string.IsNullOrWhiteSpace(options.ClientCertificateHeader) && string.IsNullOrWhiteSpace(options.ClientCertificateVerifyHeader)
            ? $"{FapiOptions.SectionName}:ClientCertificateVerifyHeader is required with ClientCertificateHeader on HttpListener: HttpListener merges repeated headers, " +
              "so a repeated certificate header cannot be refused; set it to the header in which the proxy states its verdict (nginx: X-OE-CLIENT-VERIFY from $ssl_client_verify)."
            : null;

    public ValidateOptionsResult Validate(string? name, FapiOptions options)
        => Problem(options) is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
}
