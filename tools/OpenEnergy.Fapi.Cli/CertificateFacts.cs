using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using OpenEnergy.Fapi.Certificates;

namespace OpenEnergy.Fapi.Cli;

/// <summary>What <c>inspect</c> and <c>ca-bundle check</c> say about one certificate.</summary>
internal static class CertificateFacts
{
    public static string KeyType(X509Certificate2 certificate)
    {
        using RSA? rsa = certificate.GetRSAPublicKey();
        if (rsa is not null)
        {
            return $"RSA {rsa.KeySize}";
        }

        using ECDsa? ec = certificate.GetECDsaPublicKey();
        return ec is not null ? $"EC {ec.ExportParameters(false).Curve.Oid.FriendlyName ?? ec.KeySize.ToString(System.Globalization.CultureInfo.InvariantCulture)}" : certificate.PublicKey.Oid.FriendlyName ?? "unknown";
    }

    /// <summary>DNS and IP names from the platform, URIs from the certificate's directory facts (parsed once, by the caller).</summary>
    public static IReadOnlyList<string> SubjectAlternativeNames(X509Certificate2 certificate, DirectoryCertificate facts)
    {
        var names = new List<string>();
        foreach (X509Extension extension in certificate.Extensions)
        {
            if (extension is X509SubjectAlternativeNameExtension san)
            {
                names.AddRange(san.EnumerateDnsNames().Select(n => "DNS:" + n));
                names.AddRange(san.EnumerateIPAddresses().Select(a => "IP:" + a));
            }
        }

        names.AddRange(facts.UriSubjectAlternativeNames.Select(u => "URI:" + u));
        return names;
    }

    public static bool IsCertificateAuthority(X509Certificate2 certificate)
        => certificate.Extensions.OfType<X509BasicConstraintsExtension>().Any(b => b.CertificateAuthority);

    /// <summary>Whether <paramref name="certificate"/> chains to a root of <paramref name="bundle"/> (intermediates from the bundle too).</summary>
    public static bool ChainsTo(X509Certificate2 certificate, X509Certificate2Collection bundle, out string problem)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        // Expiry is reported on its own; here only the path to the bundle counts.
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.IgnoreNotTimeValid | X509VerificationFlags.IgnoreCtlNotTimeValid;
        foreach (X509Certificate2 ca in bundle)
        {
            (ca.SubjectName.RawData.AsSpan().SequenceEqual(ca.IssuerName.RawData) ? chain.ChainPolicy.CustomTrustStore : chain.ChainPolicy.ExtraStore).Add(ca);
        }

        bool built = chain.Build(certificate);
        problem = built ? "" : string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct());
        return built;
    }

    public static string Fingerprint(X509Certificate2 certificate) => Convert.ToHexString(SHA256.HashData(certificate.RawData));
}
