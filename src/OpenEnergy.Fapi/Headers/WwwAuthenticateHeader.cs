using System.Text;

namespace OpenEnergy.Fapi.Headers;

/// <summary>
/// Builds RFC 6750 <c>Bearer</c> challenges that a strict RFC 9110 parser accepts:
/// <c>Bearer realm="…", error="…", error_description="…", scope="…"</c>, attributes in that order,
/// empty ones left out, no trailing comma.
/// </summary>
public static class WwwAuthenticateHeader
{
    /// <summary>Builds a challenge.</summary>
    /// <param name="realm">The realm (required).</param>
    /// <param name="error">The RFC 6750 error code, or <see langword="null"/> for "no credentials".</param>
    /// <param name="description">A human-readable description; characters outside RFC 6750's set are replaced.</param>
    /// <param name="scope">Space-separated scopes the resource needs (for <c>insufficient_scope</c>).</param>
    public static string Bearer(string realm, string? error = null, string? description = null, string? scope = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(realm);
        var builder = new StringBuilder("Bearer ");
        Append(builder, "realm", realm, first: true);
        Append(builder, "error", error, first: false);
        Append(builder, "error_description", description, first: false);
        Append(builder, "scope", scope, first: false);
        return builder.ToString();
    }

    /// <summary>Whether text fits in a quoted RFC 6750 attribute: <c>%x20-21 / %x23-5B / %x5D-7E</c>.</summary>
    /// <param name="text">The text.</param>
    public static bool IsQuotableText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (char c in text)
        {
            if (!IsQuotable(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsQuotable(char c) => c is >= ' ' and <= '~' and not '"' and not '\\';

    private static void Append(StringBuilder builder, string name, string? value, bool first)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        if (!first)
        {
            builder.Append(", ");
        }

        builder.Append(name).Append("=\"");
        foreach (char c in value)
        {
            builder.Append(IsQuotable(c) ? c : '?');
        }

        builder.Append('"');
    }
}
