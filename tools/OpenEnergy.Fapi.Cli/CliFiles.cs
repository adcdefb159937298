using System.Security.Cryptography.X509Certificates;
using OpenEnergy.Fapi.Certificates;

namespace OpenEnergy.Fapi.Cli;

/// <summary>Reading inputs (a file, or <c>-</c> for stdin) and writing private files.</summary>
internal static class CliFiles
{
    private const int MaxInputBytes = 1024 * 1024;

    /// <summary>The bytes of <paramref name="path"/>, or of stdin for <c>-</c>; a missing or unreadable file is a usage error.</summary>
    public static byte[] Read(string path, CliConsole console)
    {
        if (path == "-")
        {
            using var buffer = new MemoryStream();
            console.Input.CopyTo(buffer);
            return buffer.Length <= MaxInputBytes ? buffer.ToArray() : throw CliException.Usage("stdin is larger than 1 MiB");
        }

        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                throw CliException.Usage($"'{path}' does not exist");
            }

            return info.Length <= MaxInputBytes ? File.ReadAllBytes(path) : throw CliException.Usage($"'{path}' is larger than 1 MiB");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw CliException.Usage($"cannot read '{path}': {ex.Message}", ex);
        }
    }

    /// <summary>
    /// The leaf certificate's DER from PEM, DER, or any forwarded-header value the library decodes (what nginx sent,
    /// pasted: percent-encoded PEM, base64 DER, Envoy XFCC…); anything else is a usage error.
    /// </summary>
    public static byte[] ReadCertificate(string path, CliConsole console)
    {
        byte[] content = Read(path, console);
        if (content.Length > 0 && content[0] == 0x30)
        {
            try
            {
                using X509Certificate2 certificate = X509CertificateLoader.LoadCertificate(content);
                return certificate.RawData;
            }
            catch (System.Security.Cryptography.CryptographicException)
            {
                // Not DER after all: try it as text.
            }
        }

        string text = System.Text.Encoding.UTF8.GetString(content).Trim();
        if (ForwardedCertificateDecoder.TryDecodeLeaf(text, ForwardedCertificateFormat.Auto, out byte[] der))
        {
            return der;
        }

        throw CliException.Usage($"'{path}' holds no certificate (PEM, DER, or a forwarded client-certificate header value)");
    }

    /// <summary>Every certificate of a PEM bundle; a missing, unreadable or non-PEM file is a usage error.</summary>
    public static X509Certificate2Collection ReadBundle(string path, CliConsole console)
    {
        var bundle = new X509Certificate2Collection();
        try
        {
            bundle.ImportFromPem(System.Text.Encoding.UTF8.GetString(Read(path, console)));
        }
        catch (System.Security.Cryptography.CryptographicException ex)
        {
            throw CliException.Usage($"'{path}' is not a PEM bundle: {ex.Message}", ex);
        }

        return bundle;
    }

    /// <summary>Writes a file readable by its owner alone (0600), refusing to overwrite one.</summary>
    public static void WritePrivate(string path, string content)
    {
        if (File.Exists(path))
        {
            throw CliException.Usage($"'{path}' already exists; move it away first");
        }

        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var stream = new FileStream(path, options);
        using var writer = new StreamWriter(stream);
        writer.Write(content);
    }
}
