using System.Buffers.Text;

namespace OpenEnergy.Fapi.Jwt;

/// <summary>Decodes base64url (RFC 4648 §5) without throwing: the platform's decoder throws on invalid input.</summary>
internal static class Base64UrlBytes
{
    /// <summary>The decoded bytes, or <see langword="null"/> when <paramref name="text"/> is empty or not base64url.</summary>
    public static byte[]? Decode(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty || !Base64Url.IsValid(text, out int length))
        {
            return null;
        }

        byte[] bytes = new byte[length];
        return Base64Url.TryDecodeFromChars(text, bytes, out int written) && written == length ? bytes : null;
    }
}
