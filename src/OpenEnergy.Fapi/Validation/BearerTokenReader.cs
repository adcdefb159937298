using System.Buffers;
using Microsoft.Extensions.Primitives;
using OpenEnergy.Fapi.Introspection;

namespace OpenEnergy.Fapi.Validation;

/// <summary>
/// Takes the bearer token out of the <c>Authorization</c> header (RFC 6750 §2.1): scheme in any case, one
/// credential, <c>b64token</c> syntax, bounded length; never from the query string or body.
/// </summary>
internal static class BearerTokenReader
{
    private const string Scheme = "Bearer";

    // b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
    private static readonly SearchValues<char> TokenChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/");

    /// <summary>Returns <see langword="null"/> and the token, or the reason there is none.</summary>
    public static FapiFailureReason? Read(StringValues authorization, bool tokenInQueryOrBody, out BearerToken token)
    {
        token = default;
        if (authorization.Count == 0)
        {
            // A token in the query or body alone is "no credentials" (P-02, P-03): it is never read.
            return FapiFailureReason.NoCredentials;
        }

        if (authorization.Count > 1)
        {
            return FapiFailureReason.MultipleAuthorizationHeaders;
        }

        string value = authorization[0] ?? string.Empty;
        ReadOnlySpan<char> span = value.AsSpan();
        int start = 0;
        int end = span.Length;
        while (start < end && IsWhitespace(span[start]))
        {
            start++;
        }

        while (end > start && IsWhitespace(span[end - 1]))
        {
            end--;
        }

        ReadOnlySpan<char> trimmed = span[start..end];
        int separator = trimmed.IndexOfAny(' ', '\t');
        ReadOnlySpan<char> scheme = separator < 0 ? trimmed : trimmed[..separator];
        if (!scheme.Equals(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            // Basic, Negotiate, DPoP, …: not ours, so "no credentials" (P-06).
            return FapiFailureReason.NoCredentials;
        }

        if (tokenInQueryOrBody)
        {
            return FapiFailureReason.TokenInMultiplePlaces;
        }

        if (separator < 0)
        {
            return FapiFailureReason.MalformedToken;
        }

        int tokenStart = start + separator;
        while (tokenStart < end && span[tokenStart] == ' ')
        {
            tokenStart++;
        }

        ReadOnlySpan<char> candidate = span[tokenStart..end];
        if (candidate.IsEmpty)
        {
            return FapiFailureReason.MalformedToken;
        }

        if (candidate.Length > IntrospectionLimits.MaxTokenLength)
        {
            return FapiFailureReason.TokenTooLong;
        }

        if (!IsB64Token(candidate))
        {
            return FapiFailureReason.MalformedToken;
        }

        token = new BearerToken(value, tokenStart, candidate.Length);
        return null;
    }

    private static bool IsB64Token(ReadOnlySpan<char> candidate)
    {
        int body = candidate.IndexOfAnyExcept(TokenChars);
        if (body < 0)
        {
            return true;
        }

        // At least one token character, then only '=' padding.
        return body > 0 && candidate[body..].IndexOfAnyExcept('=') < 0;
    }

    private static bool IsWhitespace(char c) => c is ' ' or '\t';
}
