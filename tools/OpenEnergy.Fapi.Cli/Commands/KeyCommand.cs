using System.CommandLine;
using System.Security.Cryptography;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.OpenSsl;
using Org.BouncyCastle.Pkcs;

namespace OpenEnergy.Fapi.Cli.Commands;

/// <summary>
/// <c>oe-fapi key convert IN OUT</c>: a legacy encrypted PEM key (<c>Proc-Type: 4,ENCRYPTED</c>, which .NET cannot
/// import) rewritten as encrypted PKCS#8 with the same password (0600), so the libraries never read the legacy form.
/// </summary>
internal static class KeyCommand
{
    public static Command Create(CliConsole console)
    {
        var input = new Argument<string>("IN") { Description = "The key to convert (legacy encrypted PEM, or any PEM key)." };
        var output = new Argument<string>("OUT") { Description = "The PKCS#8 PEM file to write (mode 0600); must not exist." };
        var password = new Option<string?>("--key-password") { Description = "The key's password (or set OE_FAPI_KEY_PASSWORD, which keeps it out of ps)." };
        var noEncrypt = new Option<bool>("--no-encrypt") { Description = "Write the key unencrypted (mode 0600 still)." };
        var convert = new Command("convert", "Rewrite a legacy encrypted PEM key as encrypted PKCS#8 with the same password.") { input, output, password, noEncrypt };
        convert.SetAction(parsed => Convert(console, parsed.GetRequiredValue(input), parsed.GetRequiredValue(output), CommonOptions.Password(parsed.GetValue(password)), parsed.GetValue(noEncrypt)));
        return new Command("key", "Work with private keys.") { convert };
    }

    private static int Convert(CliConsole console, string inputPath, string outputPath, string? password, bool noEncrypt)
    {
        string pem = System.Text.Encoding.ASCII.GetString(CliFiles.Read(inputPath, console));
        if (!noEncrypt && string.IsNullOrEmpty(password))
        {
            throw CliException.Usage("a password is needed to encrypt the result: --key-password, OE_FAPI_KEY_PASSWORD, or --no-encrypt");
        }

        byte[] pkcs8;
        try
        {
            object? read = new PemReader(new StringReader(pem), new Password(password)).ReadObject();
            AsymmetricKeyParameter privateKey = read switch
            {
                AsymmetricCipherKeyPair pair => pair.Private,
                AsymmetricKeyParameter { IsPrivate: true } single => single,
                _ => throw CliException.Usage($"'{inputPath}' holds no private key"),
            };
            pkcs8 = PrivateKeyInfoFactory.CreatePrivateKeyInfo(privateKey).GetDerEncoded();
        }
        catch (PasswordException ex)
        {
            throw CliException.Usage(ex.Message, ex);
        }
        catch (Exception ex) when (ex is PemException or InvalidCipherTextException or IOException or InvalidOperationException or ArgumentException)
        {
            throw CliException.Failed($"cannot read the key in '{inputPath}' (wrong password, or not a PEM private key): {ex.Message}", ex);
        }

        string algorithm = PrivateKeyInfo.GetInstance(pkcs8).PrivateKeyAlgorithm.Algorithm.Id;
        using AsymmetricAlgorithm key = algorithm == PkcsObjectIdentifiers.RsaEncryption.Id ? RSA.Create()
            : algorithm == Org.BouncyCastle.Asn1.X9.X9ObjectIdentifiers.IdECPublicKey.Id ? ECDsa.Create()
            : throw CliException.Failed($"'{inputPath}' holds a key of a type the libraries do not use ({algorithm}): RSA and EC keys only");
        key.ImportPkcs8PrivateKey(pkcs8, out _);
        string converted = noEncrypt
            ? key.ExportPkcs8PrivateKeyPem()
            : key.ExportEncryptedPkcs8PrivateKeyPem(password.AsSpan(), new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 600_000));
        CryptographicOperations.ZeroMemory(pkcs8);
        CliFiles.WritePrivate(outputPath, converted + "\n");
        console.OutText.WriteLine(outputPath);
        console.Note(noEncrypt ? $"Wrote {outputPath} unencrypted (mode 0600)." : $"Wrote {outputPath} as encrypted PKCS#8 with the same password (mode 0600): give its password as PrivateKeyPassword (or --key-password).");
        return CliExitCode.Ok;
    }

    private sealed class Password(string? value) : IPasswordFinder
    {
        public char[] GetPassword() => (value ?? throw new PasswordException("the key is encrypted: give --key-password or OE_FAPI_KEY_PASSWORD")).ToCharArray();
    }
}
