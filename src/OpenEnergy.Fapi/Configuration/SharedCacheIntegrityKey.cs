namespace OpenEnergy.Fapi.Configuration;

/// <summary>Reads <see cref="SharedCacheOptions.IntegrityKey"/>: base64 of at least <see cref="SharedCacheOptions.MinIntegrityKeyBytes"/> bytes.</summary>
internal static class SharedCacheIntegrityKey
{
    /// <summary>A command that prints a good key, for start-up messages.</summary>
    public const string MakeOneWith = "openssl rand -base64 32";

    /// <summary>The key's bytes, or null when it is missing, not base64, or too short.</summary>
    public static byte[]? Decode(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(value.Trim());
        }
        catch (FormatException)
        {
            return null;
        }

        return bytes.Length >= SharedCacheOptions.MinIntegrityKeyBytes ? bytes : null;
    }
}
