namespace OpenEnergy.Fapi.Headers;

/// <summary>The FAPI <c>x-fapi-interaction-id</c> rules: echo a UUID exactly as sent, replace anything else.</summary>
public static class InteractionId
{
    /// <summary>The header name.</summary>
    public const string HeaderName = "x-fapi-interaction-id";

    /// <summary>Whether a value is a UUID in the 8-4-4-4-12 form, in any letter case (braces and other forms are not).</summary>
    /// <param name="value">The request's header value.</param>
    public static bool IsValid(ReadOnlySpan<char> value) => value.Length == 36 && Guid.TryParseExact(value, "D", out _);

    /// <summary>The id to send back: the request's value when it is a UUID, otherwise a new random UUID.</summary>
    /// <param name="requestValue">The request's header value, if any.</param>
    /// <param name="replaced">Whether a value was sent and replaced (worth logging).</param>
    public static string Resolve(string? requestValue, out bool replaced)
    {
        if (requestValue is not null && IsValid(requestValue))
        {
            replaced = false;
            return requestValue;
        }

        replaced = !string.IsNullOrEmpty(requestValue);
        return Guid.NewGuid().ToString("D");
    }
}
