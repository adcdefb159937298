using System.Formats.Asn1;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using OpenEnergy.Fapi.Certificates;

namespace OpenEnergy.Fapi.Testing;

/// <summary>
/// A throw-away certificate authority made at run time, so that no key material is ever committed:
/// a root, and client and server certificates issued by it.
/// </summary>
public sealed class TestCertificateAuthority : IDisposable
{
    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2");
    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1");

    private readonly TimeProvider _time;

    private TestCertificateAuthority(X509Certificate2 certificate, TimeProvider time)
    {
        Certificate = certificate;
        _time = time;
    }

    /// <summary>The CA certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>Makes a new root CA valid from thirty days ago for ten years.</summary>
    /// <param name="name">The CA's common name.</param>
    /// <param name="time">The clock that sets validity periods; the system clock by default.</param>
    public static TestCertificateAuthority Create(string name = "OpenEnergy.Fapi Test CA", TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}, O=OpenEnergy.Fapi Testing", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        DateTimeOffset now = time.GetUtcNow();
        return new TestCertificateAuthority(request.CreateSelfSigned(now.AddDays(-30), now.AddYears(10)), time);
    }

    /// <summary>Uses an existing CA certificate with its private key (ECDSA), for example one saved with <see cref="WritePemFiles"/>.</summary>
    /// <param name="certificate">The CA certificate with its ECDSA private key.</param>
    /// <param name="time">The clock that sets validity periods; the system clock by default.</param>
    public static TestCertificateAuthority FromCertificate(X509Certificate2 certificate, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        using ECDsa? key = certificate.GetECDsaPrivateKey();
        if (key is null)
        {
            throw new ArgumentException("The CA certificate needs its ECDSA private key.", nameof(certificate));
        }

        return new TestCertificateAuthority(certificate, time ?? TimeProvider.System);
    }

    /// <summary>Issues a client (transport) certificate, directory style: <c>CN</c> = software id, <c>OU</c> = organisation id.</summary>
    /// <param name="commonName">The subject common name.</param>
    /// <param name="organisationId">Put in <c>OU</c>, as the directory does.</param>
    /// <param name="notBefore">Start of validity; default an hour ago.</param>
    /// <param name="notAfter">End of validity; default a year from now.</param>
    /// <param name="algorithm">The key type.</param>
    public X509Certificate2 IssueClientCertificate(string commonName, string? organisationId = null, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null, TestKeyAlgorithm algorithm = TestKeyAlgorithm.EcdsaP256)
    {
        string subject = organisationId is null ? $"CN={commonName}, O=OpenEnergy.Fapi Testing" : $"CN={commonName}, OU={organisationId}, O=OpenEnergy.Fapi Testing, C=GB";
        return Issue(subject, ClientAuth, san: null, notBefore, notAfter, algorithm);
    }

    /// <summary>
    /// Issues a client certificate in the IB1 Trust Framework directory's style: the roles, application and member
    /// extensions (<c>1.3.6.1.4.1.62329.1.1</c>, <c>.2</c>, <c>.3</c>) and the application's URL as a URI subject
    /// alternative name. ECDSA P-256 by default, as the IB1 directory issues.
    /// </summary>
    /// <param name="commonName">The subject common name.</param>
    /// <param name="roles">The roles (a SEQUENCE OF UTF8String); <see langword="null"/> leaves the extension out.</param>
    /// <param name="application">The application extension's value, and the URI SAN unless <paramref name="uri"/> says otherwise; <see langword="null"/> leaves it out.</param>
    /// <param name="member">The member extension's value; <see langword="null"/> leaves it out.</param>
    /// <param name="uri">The URI subject alternative name; default <paramref name="application"/>.</param>
    /// <param name="algorithm">The key type.</param>
    /// <param name="extraExtensions">More extensions, as given (for example a malformed roles extension, with <paramref name="roles"/> null).</param>
    public X509Certificate2 IssueIb1ClientCertificate(string commonName, IEnumerable<string>? roles, string? application = null, string? member = null, string? uri = null, TestKeyAlgorithm algorithm = TestKeyAlgorithm.EcdsaP256, params X509Extension[] extraExtensions)
    {
        var extensions = new List<X509Extension>();
        if (roles is not null)
        {
            var writer = new AsnWriter(AsnEncodingRules.DER);
            using (writer.PushSequence())
            {
                foreach (string role in roles)
                {
                    writer.WriteCharacterString(UniversalTagNumber.UTF8String, role);
                }
            }

            extensions.Add(new X509Extension(DirectoryCertificate.RolesOid, writer.Encode(), critical: false));
        }

        if (application is not null)
        {
            extensions.Add(Utf8Extension(DirectoryCertificate.ApplicationOid, application));
        }

        if (member is not null)
        {
            extensions.Add(Utf8Extension(DirectoryCertificate.MemberOid, member));
        }

        extensions.AddRange(extraExtensions ?? []);
        X509Extension? san = null;
        if ((uri ?? application) is { } sanUri)
        {
            // Written as given (SubjectAlternativeNameBuilder would normalise it, adding a trailing '/' to a bare host).
            var names = new AsnWriter(AsnEncodingRules.DER);
            using (names.PushSequence())
            {
                names.WriteCharacterString(UniversalTagNumber.IA5String, sanUri, new Asn1Tag(TagClass.ContextSpecific, 6));
            }

            san = new X509Extension("2.5.29.17", names.Encode(), critical: false);
        }

        return Issue($"CN={commonName}, O=OpenEnergy.Fapi Testing", ClientAuth, san, null, null, algorithm, extensions);
    }

    /// <summary>Issues a TLS server certificate for the given host names, plus 127.0.0.1 and ::1.</summary>
    /// <param name="dnsNames">Host names; <c>localhost</c> when none are given.</param>
    public X509Certificate2 IssueServerCertificate(params string[] dnsNames) => IssueServerCertificate(TestKeyAlgorithm.EcdsaP256, dnsNames);

    /// <summary>
    /// Issues a TLS server certificate with the given key type (RSA for TLS 1.2 with the FAPI cipher list, whose
    /// suites are all RSA), for the given host names plus 127.0.0.1 and ::1.
    /// </summary>
    /// <param name="algorithm">The key type.</param>
    /// <param name="dnsNames">Host names; <c>localhost</c> when none are given.</param>
    public X509Certificate2 IssueServerCertificate(TestKeyAlgorithm algorithm, params string[] dnsNames)
    {
        ArgumentNullException.ThrowIfNull(dnsNames);
        var san = new SubjectAlternativeNameBuilder();
        foreach (string name in dnsNames.Length == 0 ? ["localhost"] : dnsNames)
        {
            san.AddDnsName(name);
        }

        san.AddIpAddress(IPAddress.Loopback);
        san.AddIpAddress(IPAddress.IPv6Loopback);
        return Issue($"CN={(dnsNames.Length == 0 ? "localhost" : dnsNames[0])}", ServerAuth, san.Build(), null, null, algorithm);
    }

    /// <summary>A self-signed client certificate that no test CA vouches for (a "foreign" certificate).</summary>
    /// <param name="commonName">The subject common name.</param>
    public static X509Certificate2 CreateSelfSignedClientCertificate(string commonName)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([ClientAuth], false));
        DateTimeOffset now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddHours(-1), now.AddYears(1));
    }

    /// <summary>Writes a certificate and its private key as PEM files; returns their paths.</summary>
    /// <param name="certificate">A certificate with its private key.</param>
    /// <param name="directory">The folder (created if missing).</param>
    /// <param name="name">The file name stem: <c>{name}.crt.pem</c> and <c>{name}.key.pem</c>.</param>
    public static (string CertificatePath, string PrivateKeyPath) WritePemFiles(X509Certificate2 certificate, string directory, string name)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        Directory.CreateDirectory(directory);
        string certificatePath = Path.Combine(directory, name + ".crt.pem");
        string keyPath = Path.Combine(directory, name + ".key.pem");
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem() + "\n");
        AsymmetricAlgorithm key = (AsymmetricAlgorithm?)certificate.GetECDsaPrivateKey() ?? certificate.GetRSAPrivateKey()
            ?? throw new ArgumentException("The certificate has no private key.", nameof(certificate));
        using (key)
        {
            // The key file is created readable by its owner only (0600) on Unix, never widened afterwards.
            var create = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using var writer = new StreamWriter(keyPath, System.Text.Encoding.ASCII, create);
            writer.Write(key.ExportPkcs8PrivateKeyPem() + "\n");
        }

        if (!OperatingSystem.IsWindows())
        {
            // An existing file keeps its mode when overwritten: narrow it too.
            File.SetUnixFileMode(keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return (certificatePath, keyPath);
    }

    /// <inheritdoc />
    public void Dispose() => Certificate.Dispose();

    private static X509Extension Utf8Extension(string oid, string value)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteCharacterString(UniversalTagNumber.UTF8String, value);
        return new X509Extension(oid, writer.Encode(), critical: false);
    }

    private X509Certificate2 Issue(string subject, Oid usage, X509Extension? san, DateTimeOffset? notBefore, DateTimeOffset? notAfter, TestKeyAlgorithm algorithm, IReadOnlyList<X509Extension>? extra = null)
    {
        DateTimeOffset now = _time.GetUtcNow();
        DateTimeOffset from = notBefore ?? now.AddHours(-1);
        DateTimeOffset to = notAfter ?? now.AddYears(1);
        byte[] serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;

        if (algorithm == TestKeyAlgorithm.Rsa2048)
        {
            using RSA rsa = RSA.Create(2048);
            var request = new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            AddLeafExtensions(request, usage, san, extra);
            using X509Certificate2 issued = SignWithCaKey(request, from, to, serial);
            return issued.CopyWithPrivateKey(rsa);
        }

        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var ecRequest = new CertificateRequest(subject, ec, HashAlgorithmName.SHA256);
        AddLeafExtensions(ecRequest, usage, san, extra);
        using X509Certificate2 ecIssued = SignWithCaKey(ecRequest, from, to, serial);
        return ecIssued.CopyWithPrivateKey(ec);
    }

    // The CA key is ECDSA whatever the leaf's key type, so sign through a generator for that key.
    private X509Certificate2 SignWithCaKey(CertificateRequest request, DateTimeOffset from, DateTimeOffset to, byte[] serial)
    {
        using ECDsa caKey = Certificate.GetECDsaPrivateKey()!;
        return request.Create(Certificate.SubjectName, X509SignatureGenerator.CreateForECDsa(caKey), from, to, serial);
    }

    private void AddLeafExtensions(CertificateRequest request, Oid usage, X509Extension? san, IReadOnlyList<X509Extension>? extra)
    {
        foreach (X509Extension extension in extra ?? [])
        {
            request.CertificateExtensions.Add(extension);
        }

        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([usage], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, true, false));
        if (san is not null)
        {
            request.CertificateExtensions.Add(san);
        }
    }
}
