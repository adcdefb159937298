using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OpenEnergy.Fapi.Configuration;

/// <summary>Loads a PEM bundle of CA certificates named by a setting, with errors that name the setting.</summary>
public static class CertificateAuthorityBundle
{
    /// <summary>Reads every certificate of a PEM bundle.</summary>
    /// <param name="path">The file.</param>
    /// <param name="settingName">The key under <c>OpenEnergy:Fapi</c> that named it, for error messages.</param>
    /// <exception cref="InvalidOperationException">The file is missing, not PEM, or holds no certificate.</exception>
    public static X509Certificate2Collection Load(string path, string settingName) => Load(path, settingName, FapiOptions.SectionName);

    /// <summary>Reads every certificate of a PEM bundle named by a setting of another section.</summary>
    /// <param name="path">The file.</param>
    /// <param name="settingName">The key that named it, for error messages.</param>
    /// <param name="section">The configuration section of that key, e.g. <c>OpenEnergy:FapiClient</c>.</param>
    /// <exception cref="InvalidOperationException">The file is missing, not PEM, or holds no certificate.</exception>
    public static X509Certificate2Collection Load(string path, string settingName, string section)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new InvalidOperationException($"{section}:{settingName}: the file '{full}' does not exist. Point it at a PEM bundle of CA certificates.");
        }

        var bundle = new X509Certificate2Collection();
        try
        {
            bundle.ImportFromPemFile(full);
        }
        catch (CryptographicException ex)
        {
            throw new InvalidOperationException($"{section}:{settingName}: '{full}' is not a PEM bundle of certificates ({ex.Message}).", ex);
        }

        if (bundle.Count == 0)
        {
            throw new InvalidOperationException($"{section}:{settingName}: '{full}' holds no 'BEGIN CERTIFICATE' block.");
        }

        return bundle;
    }
}
