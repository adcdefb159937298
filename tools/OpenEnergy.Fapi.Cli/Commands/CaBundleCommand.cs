using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace OpenEnergy.Fapi.Cli.Commands;

/// <summary><c>oe-fapi ca-bundle check FILE</c>: every certificate of a CA bundle, with its expiry and whether it is a CA.</summary>
internal static class CaBundleCommand
{
    public static Command Create(CliConsole console)
    {
        var file = new Argument<string>("FILE") { Description = "A PEM bundle of CA certificates (the directory's, or the authorization server's)." };
        var json = CommonOptions.Json();
        var check = new Command("check", "List each certificate (subject, expiry, SHA-256 fingerprint); an expired one fails, soon-expiring and non-CA ones warn.") { file, json };
        check.SetAction(parsed => Check(console, parsed.GetRequiredValue(file), parsed.GetValue(json)));
        return new Command("ca-bundle", "Check a CA bundle.") { check };
    }

    private static int Check(CliConsole console, string path, bool json)
    {
        X509Certificate2Collection bundle = CliFiles.ReadBundle(path, console);
        if (bundle.Count == 0)
        {
            throw CliException.Usage($"'{path}' holds no 'BEGIN CERTIFICATE' block");
        }

        DateTime now = DateTime.UtcNow;
        var rows = new JsonArray();
        var table = new Table().AddColumns("subject", "expires", "SHA-256", "CA");
        int exit = CliExitCode.Ok;
        foreach (X509Certificate2 certificate in bundle)
        {
            DateTime notAfter = certificate.NotAfter.ToUniversalTime();
            bool isCa = CertificateFacts.IsCertificateAuthority(certificate);
            string fingerprint = CertificateFacts.Fingerprint(certificate);
            rows.Add(new JsonObject
            {
                ["subject"] = certificate.Subject,
                ["notAfter"] = notAfter.ToString("O", CultureInfo.InvariantCulture),
                ["sha256"] = fingerprint,
                ["certificateAuthority"] = isCa,
                ["expired"] = notAfter <= now,
            });
            table.AddRow(Markup.Escape(certificate.Subject), notAfter <= now ? $"[red]{notAfter:u}[/]" : $"{notAfter:u}", fingerprint, isCa ? "yes" : "[red]no[/]");
            if (notAfter <= now)
            {
                console.Fail($"{certificate.Subject} expired on {notAfter:u}");
                exit = CliExitCode.Failed;
            }
            else if (notAfter - now < FapiDefaults.CertificateExpiryWarning)
            {
                console.Warn($"{certificate.Subject} expires on {notAfter:u}, in {(notAfter - now).TotalDays:0} days");
            }

            if (!isCa)
            {
                // A warning, not a failure: some old roots carry no basic constraints, and a stray leaf does no harm to trust.
                console.Warn($"{certificate.Subject} is not a CA certificate (no basic constraints with CA:TRUE): it does not belong in a CA bundle");
            }
        }

        if (json)
        {
            console.OutText.WriteLine(rows.ToJsonString());
        }
        else
        {
            console.Out.Write(table);
        }

        return exit;
    }
}
