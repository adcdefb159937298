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
        return NewId();
    }

    /// <summary>
    /// A random RFC 4122 version-4 UUID. An interaction id correlates log entries; it guards nothing, so it
    /// comes from the fast shared generator rather than the system's cryptographic one (a system call per
    /// request on Linux, the largest cost of the FAPI headers).
    /// </summary>
    public static string NewId()
    {
        Span<byte> bytes = stackalloc byte[16];
        Random.Shared.NextBytes(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40); // version 4 (Guid's little-endian layout of time_hi)
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(bytes).ToString("D");
    }
}
