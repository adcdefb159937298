using System.CommandLine;
using System.Text.Json.Nodes;
using OpenEnergy.Fapi.Certificates;

namespace OpenEnergy.Fapi.Cli.Commands;

/// <summary><c>oe-fapi thumbprint CERT</c>: the RFC 8705 <c>x5t#S256</c> of a certificate.</summary>
internal static class ThumbprintCommand
{
    public static Command Create(CliConsole console)
    {
        var certificate = new Argument<string>("CERT") { Description = "A certificate file (PEM, DER, or a forwarded header value as nginx sends it), or - for stdin." };
        var json = CommonOptions.Json();
        var command = new Command("thumbprint", "Print a certificate's RFC 8705 thumbprint (cnf.x5t#S256): base64url SHA-256 of its DER.") { certificate, json };
        command.SetAction(parsed =>
        {
            CertificateThumbprint thumbprint = CertificateThumbprint.FromDer(CliFiles.ReadCertificate(parsed.GetRequiredValue(certificate), console));
            console.OutText.WriteLine(parsed.GetValue(json) ? new JsonObject { ["x5t#S256"] = thumbprint.ToString() }.ToJsonString() : thumbprint.ToString());
            return CliExitCode.Ok;
        });
        return command;
    }
}
