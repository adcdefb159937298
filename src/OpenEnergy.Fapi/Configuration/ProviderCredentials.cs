using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using OpenEnergy.Fapi.Introspection;

namespace OpenEnergy.Fapi.Configuration;

/// <summary>The provider's TLS identity towards the authorization server, and the CAs it trusts for that server.</summary>
internal sealed class ProviderCredentials
{
    private ProviderCredentials(X509Certificate2 clientCertificate, AuthorizationServerCertificateValidator serverTrust)
    {
        ClientCertificate = clientCertificate;
        AuthorizationServerTrust = serverTrust;
    }

    public X509Certificate2 ClientCertificate { get; }

    /// <summary>How the authorization server's certificate is judged, built once for every client of that server.</summary>
    public AuthorizationServerCertificateValidator AuthorizationServerTrust { get; }

    /// <summary>Loads the configured key material; throws <see cref="InvalidOperationException"/> with a message naming the key and the fix.</summary>
    public static ProviderCredentials Load(FapiOptions options)
    {
        X509Certificate2 certificate = options.ClientCertificate ?? LoadPemPair(options);
        if (!certificate.HasPrivateKey)
        {
            throw new InvalidOperationException(
                $"{FapiOptions.SectionName}:ClientCertificate has no private key. Give a certificate with its key, or set CertificatePath and PrivateKeyPath.");
        }

        var cas = new X509Certificate2Collection(options.AuthorizationServerCaCertificates);
        if (!string.IsNullOrWhiteSpace(options.AuthorizationServerCaPath))
        {
            cas.AddRange(CertificateAuthorityBundle.Load(options.AuthorizationServerCaPath, "AuthorizationServerCaPath"));
        }

        return new ProviderCredentials(certificate, new AuthorizationServerCertificateValidator(cas, options.AuthorizationServerTrust));
    }

    private static X509Certificate2 LoadPemPair(FapiOptions options)
    {
        string certificatePath = RequireFile(options.CertificatePath, "CertificatePath", "the provider's transport certificate (PEM)");
        string keyPath = RequireFile(options.PrivateKeyPath, "PrivateKeyPath", "the private key of CertificatePath (PEM)");
        try
        {
            X509Certificate2 pair = string.IsNullOrEmpty(options.PrivateKeyPassword)
                ? X509Certificate2.CreateFromPemFile(certificatePath, keyPath)
                : X509Certificate2.CreateFromEncryptedPemFile(certificatePath, options.PrivateKeyPassword, keyPath);
            return pair;
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            throw new InvalidOperationException(
                $"{FapiOptions.SectionName}:CertificatePath/PrivateKeyPath: cannot load '{certificatePath}' with '{keyPath}': {ex.Message} " +
                "Check that the key belongs to the certificate, that both are PEM, and that PrivateKeyPassword is set for an encrypted key.", ex);
        }
    }

    private static string RequireFile(string? path, string key, string what)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new InvalidOperationException($"{FapiOptions.SectionName}:{key} is required: set it to {what}, or give ClientCertificate in code.");
        }

        string full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new InvalidOperationException($"{FapiOptions.SectionName}:{key}: the file '{full}' does not exist ({what}).");
        }

        return full;
    }
}
