using System.Text;
using Microsoft.Extensions.Primitives;
using OpenEnergy.Fapi.Validation;

namespace OpenEnergy.Fapi.Http;

/// <summary>
/// Finds an <c>access_token</c> parameter in the query string or a form body (RFC 6750 §2.2, §2.3): never
/// accepted, only looked for, since a token sent in two places is a 400 (P-04). Names are compared after
/// percent-decoding (<c>access%5Ftoken</c> counts). A body is read only when it could matter: after a valid
/// Bearer header, for <c>application/x-www-form-urlencoded</c> bodies of at most <see cref="MaxBodyBytes"/>.
/// </summary>
internal static class AccessTokenParameter
{
    /// <summary>The largest form body read to look for the parameter; longer bodies are not read for it.</summary>
    public const int MaxBodyBytes = 8 * 1024;

    private const string Name = "access_token";

    public static async ValueTask<bool> IsPresentAsync<TExchange>(TExchange exchange, StringValues authorization)
        where TExchange : IFapiHttpExchange
    {
        if (ContainsName(exchange.RawQuery))
        {
            return true;
        }

        // Without a readable Bearer header the answer cannot change the verdict (no credentials, or 400 anyway).
        if (BearerTokenReader.Read(authorization, tokenInQueryOrBody: false, out _) is not null || !IsUrlEncodedForm(exchange.GetRequestHeader("Content-Type")))
        {
            return false;
        }

        StringValues length = exchange.GetRequestHeader("Content-Length");
        if (length.Count == 1 && long.TryParse(length[0], out long declared) && declared > MaxBodyBytes)
        {
            return false;
        }

        ReadOnlyMemory<byte>? body = await exchange.PeekBodyAsync(MaxBodyBytes, exchange.RequestAborted).ConfigureAwait(false);
        return body is { } bytes && ContainsName(Encoding.UTF8.GetString(bytes.Span));
    }

    /// <summary>Whether <c>name=value&amp;…</c> text has a parameter whose decoded name is <c>access_token</c>.</summary>
    internal static bool ContainsName(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        ReadOnlySpan<char> rest = text.AsSpan().TrimStart('?');
        while (!rest.IsEmpty)
        {
            int end = rest.IndexOf('&');
            ReadOnlySpan<char> pair = end < 0 ? rest : rest[..end];
            rest = end < 0 ? [] : rest[(end + 1)..];
            int equals = pair.IndexOf('=');
            ReadOnlySpan<char> name = equals < 0 ? pair : pair[..equals];
            if (name.Equals(Name, StringComparison.Ordinal)
                || (name.Contains('%') && Uri.UnescapeDataString(name.ToString()).Equals(Name, StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsUrlEncodedForm(StringValues contentType)
    {
        if (contentType.Count != 1 || contentType[0] is not { } value)
        {
            return false;
        }

        int semicolon = value.IndexOf(';', StringComparison.Ordinal);
        ReadOnlySpan<char> mediaType = (semicolon < 0 ? value.AsSpan() : value.AsSpan(0, semicolon)).Trim();
        return mediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);
    }
}
