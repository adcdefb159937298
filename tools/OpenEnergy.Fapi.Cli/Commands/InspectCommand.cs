using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using OpenEnergy.Fapi.Certificates;
using Spectre.Console;

namespace OpenEnergy.Fapi.Cli.Commands;

/// <summary><c>oe-fapi inspect CERT [--ca FILE]</c>: what a certificate says, and whether it chains to a bundle.</summary>
internal static class InspectCommand
{
    public static Command Create(CliConsole console)
    {
        var certificate = new Argument<string>("CERT") { Description = "A certificate file (PEM, DER, or a forwarded header value), or - for stdin." };
        var ca = new Option<string?>("--ca") { Description = "A PEM bundle of CA certificates: check that CERT chains to it." };
        var json = CommonOptions.Json();
        var command = new Command("inspect", "Show a certificate: subject, issuer, validity, SANs, key type, IB1 roles, thumbprint, chain.") { certificate, ca, json };
        command.SetAction(parsed => Run(console, CliFiles.ReadCertificate(parsed.GetRequiredValue(certificate), console), parsed.GetValue(ca), parsed.GetValue(json)));
        return command;
    }

    private static int Run(CliConsole console, byte[] der, string? caPath, bool json)
    {
        using X509Certificate2 certificate = X509CertificateLoader.LoadCertificate(der);
        DirectoryCertificate directory = DirectoryCertificate.Parse(der);
        DateTimeOffset now = DateTimeOffset.UtcNow;
        int daysLeft = (int)Math.Floor((certificate.NotAfter.ToUniversalTime() - now.UtcDateTime).TotalDays);
        bool expired = certificate.NotAfter.ToUniversalTime() <= now.UtcDateTime;
        bool notYetValid = certificate.NotBefore.ToUniversalTime() > now.UtcDateTime;
        bool? chains = null;
        string chainProblem = "";
        if (caPath is not null)
        {
            X509Certificate2Collection bundle = CliFiles.ReadBundle(caPath, console);
            chains = CertificateFacts.ChainsTo(certificate, bundle, out chainProblem);
        }

        IReadOnlyList<string> names = CertificateFacts.SubjectAlternativeNames(certificate, directory);
        if (json)
        {
            var result = new JsonObject
            {
                ["subject"] = certificate.Subject,
                ["issuer"] = certificate.Issuer,
                ["notBefore"] = certificate.NotBefore.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
                ["notAfter"] = certificate.NotAfter.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
                ["daysLeft"] = daysLeft,
                ["subjectAlternativeNames"] = new JsonArray([.. names.Select(n => JsonValue.Create(n))]),
                ["keyType"] = CertificateFacts.KeyType(certificate),
                ["roles"] = new JsonArray([.. directory.Roles.Select(r => JsonValue.Create(r))]),
                ["application"] = directory.Application,
                ["member"] = directory.Member,
                ["x5t#S256"] = directory.Thumbprint.ToString(),
                ["sha256"] = CertificateFacts.Fingerprint(certificate),
                ["chainsToBundle"] = chains,
            };
            console.OutText.WriteLine(result.ToJsonString());
        }
        else
        {
            var table = new Table().HideHeaders().AddColumns("field", "value");
            table.AddRow("subject", Markup.Escape(certificate.Subject));
            table.AddRow("issuer", Markup.Escape(certificate.Issuer));
            table.AddRow("valid", Markup.Escape($"{certificate.NotBefore.ToUniversalTime():u} to {certificate.NotAfter.ToUniversalTime():u} ({daysLeft} days left)"));
            table.AddRow("SANs", Markup.Escape(names.Count == 0 ? "(none)" : string.Join(", ", names)));
            table.AddRow("key", Markup.Escape(CertificateFacts.KeyType(certificate)));
            table.AddRow("IB1 roles", Markup.Escape(directory.Roles.Count == 0 ? "(none)" : string.Join(", ", directory.Roles)));
            table.AddRow("IB1 application", Markup.Escape(directory.Application ?? "(none)"));
            table.AddRow("IB1 member", Markup.Escape(directory.Member ?? "(none)"));
            table.AddRow("x5t#S256", directory.Thumbprint.ToString());
            table.AddRow("SHA-256", CertificateFacts.Fingerprint(certificate));
            if (chains is not null)
            {
                table.AddRow("chains to bundle", chains.Value ? "[green]yes[/]" : "[red]no[/]");
            }

            console.Out.Write(table);
        }

        int exit = CliExitCode.Ok;
        if (expired || notYetValid)
        {
            console.Fail(expired ? "the certificate has expired" : "the certificate is not yet valid");
            exit = CliExitCode.Failed;
        }
        else if (certificate.NotAfter.ToUniversalTime() - now.UtcDateTime < FapiDefaults.CertificateExpiryWarning)
        {
            console.Warn($"the certificate expires in {daysLeft} days (under {FapiDefaults.CertificateExpiryWarning.TotalDays:0}): renew it at the directory");
        }

        if (chains == false)
        {
            console.Fail($"the certificate does not chain to {caPath}: {chainProblem}");
            exit = CliExitCode.Failed;
        }

        return exit;
    }
}
