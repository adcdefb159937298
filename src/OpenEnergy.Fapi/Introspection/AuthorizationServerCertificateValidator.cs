using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using OpenEnergy.Fapi.Certificates;
using OpenEnergy.Fapi.Configuration;

namespace OpenEnergy.Fapi.Introspection;

/// <summary>
/// Judges the authorization server's TLS certificate, built once from the options and shared by every client of
/// that server (introspection, discovery, and token requests of the consumer client). The host name is always
/// checked by the platform; a wrong name or a missing certificate is never forgiven. With
/// <see cref="AuthorizationServerTrust.SystemAndBundle"/> the system's verdict stands when it is good and the
/// bundle may vouch for an unknown root; with <see cref="AuthorizationServerTrust.BundleOnly"/> only the bundle
/// counts. Either way the certificate must allow TLS server authentication.
/// </summary>
public sealed class AuthorizationServerCertificateValidator
{
    private readonly Func<CustomRootTrust> _bundle;
    private readonly AuthorizationServerTrust _mode;

    /// <summary>Creates the validator.</summary>
    /// <param name="bundle">The configured CA certificates (may be empty with <see cref="AuthorizationServerTrust.SystemAndBundle"/>).</param>
    /// <param name="mode">Which roots count.</param>
    /// <exception cref="InvalidOperationException"><see cref="AuthorizationServerTrust.BundleOnly"/> without a bundle.</exception>
    public AuthorizationServerCertificateValidator(X509Certificate2Collection bundle, AuthorizationServerTrust mode)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        if (mode == AuthorizationServerTrust.BundleOnly && bundle.Count == 0)
        {
            throw new InvalidOperationException(
                $"{FapiOptions.SectionName}:AuthorizationServerTrust is BundleOnly but no bundle is configured: set AuthorizationServerCaPath to the PEM bundle of the authorization server's CAs.");
        }

        var fixedBundle = new CustomRootTrust(bundle, CustomRootTrust.ServerAuthentication);
        _bundle = () => fixedBundle;
        _mode = mode;
    }

    /// <summary>A validator that judges against whatever bundle <paramref name="bundle"/> gives at the time (a reloaded one).</summary>
    internal AuthorizationServerCertificateValidator(Func<CustomRootTrust> bundle, AuthorizationServerTrust mode)
    {
        _bundle = bundle;
        _mode = mode;
    }

    /// <summary>A <see cref="RemoteCertificateValidationCallback"/>: whether the server's certificate is trusted.</summary>
    /// <param name="sender">The TLS stream (unused).</param>
    /// <param name="certificate">The server's certificate.</param>
    /// <param name="chain">The chain the platform built, whose extra certificates help build ours.</param>
    /// <param name="errors">The platform's verdict.</param>
    public bool Validate(object? sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
        {
            return false;
        }

        if (_mode == AuthorizationServerTrust.SystemAndBundle && errors == SslPolicyErrors.None)
        {
            return true;
        }

        CustomRootTrust bundle = _bundle();
        if (bundle.IsEmpty)
        {
            return false;
        }

        X509Certificate2 leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        IEnumerable<X509Certificate2>? presented = chain?.ChainElements.Select(e => e.Certificate);
        return bundle.IsTrusted(leaf, presented);
    }
}
