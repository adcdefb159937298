using System.CommandLine;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;

namespace OpenEnergy.Fapi.Cli.Commands;

/// <summary>
/// <c>oe-fapi keygen</c>: a private key (0600) and a CSR in the shape the Open Energy directory asks for:
/// <c>C=UK, O=&lt;organisation&gt;, OU=&lt;organisation id&gt;, CN=&lt;software statement id&gt;</c>.
/// </summary>
internal static class KeygenCommand
{
    public static Command Create(CliConsole console)
    {
        var output = new Option<string>("--out") { Description = "The folder to write the key and the CSR to.", Required = true };
        var organisation = new Option<string>("--organisation") { Description = "The organisation's name (O).", Required = true };
        var organisationId = new Option<string>("--org-id") { Description = "The organisation's id in the directory (OU).", Required = true };
        var softwareId = new Option<string>("--software-id") { Description = "The software statement id (CN).", Required = true };
        var ec = new Option<bool>("--ec") { Description = "An EC P-256 key (IB1 directories)." };
        var rsa = new Option<bool>("--rsa") { Description = "An RSA 2048 key (the default; the Open Energy directory)." };
        var json = CommonOptions.Json();
        var command = new Command("keygen", "Make a private key and a certificate signing request for the directory.") { output, organisation, organisationId, softwareId, ec, rsa, json };
        command.SetAction(parsed =>
        {
            if (parsed.GetValue(ec) && parsed.GetValue(rsa))
            {
                throw CliException.Usage("--ec and --rsa exclude each other");
            }

            return Run(console, parsed.GetRequiredValue(output), parsed.GetRequiredValue(organisation), parsed.GetRequiredValue(organisationId), parsed.GetRequiredValue(softwareId), parsed.GetValue(ec), parsed.GetValue(json));
        });
        return command;
    }

    private static int Run(CliConsole console, string folder, string organisation, string organisationId, string softwareId, bool ec, bool json)
    {
        if (softwareId.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
        {
            throw CliException.Usage("--software-id must be usable as a file name");
        }

        if (string.IsNullOrWhiteSpace(organisation) || string.IsNullOrWhiteSpace(organisationId) || string.IsNullOrWhiteSpace(softwareId))
        {
            throw CliException.Usage("--organisation, --org-id and --software-id must not be empty");
        }

        Directory.CreateDirectory(folder);
        string keyPath = Path.Combine(folder, softwareId + ".key");
        string csrPath = Path.Combine(folder, softwareId + ".csr");
        if (File.Exists(csrPath))
        {
            throw CliException.Usage($"'{csrPath}' already exists; move it away first");
        }
        var subject = new X500DistinguishedNameBuilder();
        // Encoded C, O, OU, CN, as the directory's guide writes it (the builder encodes the last added first).
        subject.AddCommonName(softwareId);
        subject.AddOrganizationalUnitName(organisationId);
        subject.AddOrganizationName(organisation);
        subject.AddCountryOrRegion("UK");
        X500DistinguishedName name = subject.Build();

        using AsymmetricAlgorithm key = ec ? ECDsa.Create(ECCurve.NamedCurves.nistP256) : RSA.Create(2048);
        CertificateRequest request = key is RSA r
            ? new CertificateRequest(name, r, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            : new CertificateRequest(name, (ECDsa)key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | (ec ? 0 : X509KeyUsageFlags.KeyEncipherment), critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], critical: false));

        CliFiles.WritePrivate(keyPath, key.ExportPkcs8PrivateKeyPem() + "\n");
        using (var csr = new FileStream(csrPath, FileMode.CreateNew, FileAccess.Write))
        using (var writer = new StreamWriter(csr))
        {
            writer.Write(request.CreateSigningRequestPem() + "\n");
        }

        if (json)
        {
            console.OutText.WriteLine(new JsonObject { ["key"] = keyPath, ["csr"] = csrPath, ["subject"] = name.Decode(X500DistinguishedNameFlags.None), ["keyType"] = ec ? "EC P-256" : "RSA 2048" }.ToJsonString());
        }
        else
        {
            console.OutText.WriteLine(keyPath);
            console.OutText.WriteLine(csrPath);
        }

        console.Note($"Subject: {name.Decode(X500DistinguishedNameFlags.None)}");
        console.Note($"Next: upload {csrPath} to the directory for your software statement; keep {keyPath} on this machine (mode 0600).");
        console.Note("Check the CSR with: openssl req -in " + csrPath + " -noout -verify -subject");
        return CliExitCode.Ok;
    }
}
