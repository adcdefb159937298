using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OpenEnergy.Fapi.Configuration;

/// <summary>
/// Loads a transport certificate (the directory-issued TLS client certificate) with its private key from PEM files,
/// with start-up messages that name the configuration keys and the fix. Shared by the provider's validator and the
/// consumer client.
/// </summary>
public static class TransportCertificate
{
    /// <summary>Loads the certificate at <paramref name="certificatePath"/> with the key at <paramref name="privateKeyPath"/>.</summary>
    /// <param name="certificatePath">PEM certificate file.</param>
    /// <param name="privateKeyPath">PEM private key (PKCS#8, PKCS#1 or SEC1; encrypted PKCS#8 with <paramref name="privateKeyPassword"/>).</param>
    /// <param name="privateKeyPassword">The key's password, or <see langword="null"/>.</param>
    /// <param name="section">The configuration section the keys belong to (for messages), e.g. <c>OpenEnergy:Fapi</c>.</param>
    /// <param name="owner">Whose certificate it is, for messages, e.g. "the provider's".</param>
    /// <exception cref="InvalidOperationException">A path is missing, a file does not exist, or the pair cannot be loaded.</exception>
    public static X509Certificate2 Load(string? certificatePath, string? privateKeyPath, string? privateKeyPassword, string section, string owner)
    {
        ArgumentNullException.ThrowIfNull(section);
        string certificate = RequireFile(certificatePath, section, "CertificatePath", $"{owner} transport certificate (PEM)");
        string key = RequireFile(privateKeyPath, section, "PrivateKeyPath", "the private key of CertificatePath (PEM)");
        try
        {
            X509Certificate2 pair = string.IsNullOrEmpty(privateKeyPassword)
                ? X509Certificate2.CreateFromPemFile(certificate, key)
                : X509Certificate2.CreateFromEncryptedPemFile(certificate, privateKeyPassword, key);
            return pair.HasPrivateKey
                ? pair
                : throw new InvalidOperationException($"{section}:PrivateKeyPath: '{key}' gave no private key for '{certificate}'.");
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            throw new InvalidOperationException(
                $"{section}:CertificatePath/PrivateKeyPath: cannot load '{certificate}' with '{key}': {ex.Message} " +
                "Check that the key belongs to the certificate, that both are PEM, and that PrivateKeyPassword is set for an encrypted key.", ex);
        }
    }

    private static string RequireFile(string? path, string section, string key, string what)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new InvalidOperationException($"{section}:{key} is required: set it to {what}, or give ClientCertificate in code.");
        }

        string full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new InvalidOperationException($"{section}:{key}: the file '{full}' does not exist ({what}).");
        }

        return full;
    }
}
