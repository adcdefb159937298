using System.Text.Json;
using OpenEnergy.Fapi.Headers;

namespace OpenEnergy.Fapi.Validation;

/// <summary>
/// A refusal, ready to be written: status, RFC 6750 error, description, the <c>WWW-Authenticate</c> challenge
/// and the JSON body. Texts are generic: never a token, never introspection data.
/// </summary>
public sealed class FapiFailure
{
    /// <summary>Creates a refusal.</summary>
    /// <param name="reason">Why.</param>
    /// <param name="statusCode">400, 401, 403, 429 or 503.</param>
    /// <param name="error">The RFC 6750 error code, or <see langword="null"/> for "no credentials".</param>
    /// <param name="description">A generic description.</param>
    /// <param name="realm">The challenge's realm.</param>
    /// <param name="scope">The scopes needed, for <c>insufficient_scope</c>.</param>
    /// <param name="retryAfter">For 429 and 503: when to try again.</param>
    public FapiFailure(FapiFailureReason reason, int statusCode, string? error, string? description, string realm, string? scope = null, TimeSpan? retryAfter = null)
    {
        Reason = reason;
        StatusCode = statusCode;
        Error = error;
        ErrorDescription = description;
        Scope = scope;
        RetryAfter = retryAfter;
        // 429 and 503 are not statements about the credentials, so they carry no challenge.
        WwwAuthenticate = statusCode is 429 or 503 ? null : WwwAuthenticateHeader.Bearer(realm, error, description, scope);
        JsonBody = error is null ? null : JsonSerializer.Serialize(new ErrorBody(error, description), FapiErrorJsonContext.Default.ErrorBody);
        JsonBodyUtf8 = JsonBody is null ? ReadOnlyMemory<byte>.Empty : System.Text.Encoding.UTF8.GetBytes(JsonBody);
    }

    /// <summary>Why the request was refused.</summary>
    public FapiFailureReason Reason { get; }

    /// <summary>The HTTP status: 400, 401, 403, 429 or 503.</summary>
    public int StatusCode { get; }

    /// <summary>The error code (<c>invalid_request</c>, <c>invalid_token</c>, <c>insufficient_scope</c>, <c>access_denied</c>, <c>too_many_requests</c>, <c>temporarily_unavailable</c>), or <see langword="null"/>.</summary>
    public string? Error { get; }

    /// <summary>A short generic description.</summary>
    public string? ErrorDescription { get; }

    /// <summary>The scopes the resource needs, for 403.</summary>
    public string? Scope { get; }

    /// <summary>For 429 and 503: the <c>Retry-After</c> delay.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>The <c>WWW-Authenticate</c> value (none for 429 and 503).</summary>
    public string? WwwAuthenticate { get; }

    /// <summary>The <c>application/json</c> body <c>{"error":…,"error_description":…}</c>; none for the no-credentials 401.</summary>
    public string? JsonBody { get; }

    /// <summary><see cref="JsonBody"/> as UTF-8, encoded once: the refusals are shared, their bodies written often.</summary>
    internal ReadOnlyMemory<byte> JsonBodyUtf8 { get; }

    /// <summary>The <c>Retry-After</c> header value in whole seconds, or <see langword="null"/>.</summary>
    public string? RetryAfterHeaderValue => RetryAfter is { } delay
        ? Math.Max(1, (long)Math.Ceiling(delay.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture)
        : null;
}
