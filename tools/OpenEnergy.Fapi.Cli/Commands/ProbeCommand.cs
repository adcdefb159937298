using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using OpenEnergy.Fapi.Client;
using OpenEnergy.Fapi.Client.Http;
using OpenEnergy.Fapi.Configuration;
using OpenEnergy.Fapi.Introspection;
using Spectre.Console;

namespace OpenEnergy.Fapi.Cli.Commands;

/// <summary>
/// <c>oe-fapi probe URL</c>: checks a deployed provider from outside, as the spec's black-box tests do, and prints
/// PASS / FAIL / N/A per rule. Exit 1 on any FAIL.
/// </summary>
internal static partial class ProbeCommand
{
    [GeneratedRegex("""^Bearer realm="[\x20\x21\x23-\x5B\x5D-\x7E]*"$""")]
    private static partial Regex BareChallenge();

    public static Command Create(CliConsole console)
    {
        var server = new ServerOptions();
        var url = new Argument<string>("URL") { Description = "A protected dataset's https URL that the certificate and scopes may read." };
        var certificateB = new Option<string?>("--cert-b") { Description = "A second consumer certificate (PEM): checks that A's token is refused with it." };
        var keyB = new Option<string?>("--key-b") { Description = "The private key of --cert-b (PEM)." };
        var clientIdB = new Option<string?>("--client-id-b") { Description = "The second consumer's client id: also checks that its own token is refused with A's certificate." };
        var json = CommonOptions.Json();
        var command = new Command("probe", "Check a deployed provider from outside against the FAPI rules and print PASS / FAIL / N/A per rule.") { url, certificateB, keyB, clientIdB, json };
        server.AddTo(command);
        command.SetAction(async (parsed, cancellationToken) =>
        {
            string given = parsed.GetRequiredValue(url);
            if (!Uri.TryCreate(given, UriKind.Absolute, out Uri? target) || target.Scheme != Uri.UriSchemeHttps)
            {
                throw CliException.Usage($"'{given}' is not an absolute https URL");
            }

            if (parsed.GetValue(certificateB) is null != (parsed.GetValue(keyB) is null) || (parsed.GetValue(clientIdB) is not null && parsed.GetValue(certificateB) is null))
            {
                throw CliException.Usage("--cert-b and --key-b go together, and --client-id-b needs them");
            }

            var probe = new Probe(server, parsed, console, target);
            IReadOnlyList<ProbeResult> results = await probe.RunAsync(parsed.GetValue(certificateB), parsed.GetValue(keyB), parsed.GetValue(clientIdB), cancellationToken);
            Report(console, results, parsed.GetValue(json));
            return results.Any(r => r.Outcome == ProbeOutcome.Fail) ? CliExitCode.Failed : CliExitCode.Ok;
        });
        return command;
    }

    private static void Report(CliConsole console, IReadOnlyList<ProbeResult> results, bool json)
    {
        if (json)
        {
            console.OutText.WriteLine(new JsonArray([.. results.Select(r => new JsonObject { ["rule"] = r.Rule, ["check"] = r.Check, ["result"] = r.Label, ["detail"] = r.Detail })]).ToJsonString());
            return;
        }

        var table = new Table().AddColumns("rule", "check", "result", "detail");
        foreach (ProbeResult r in results)
        {
            string label = r.Outcome switch { ProbeOutcome.Pass => "[green]PASS[/]", ProbeOutcome.Fail => "[red]FAIL[/]", _ => "[grey]N/A[/]" };
            table.AddRow(r.Rule, Markup.Escape(r.Check), label, Markup.Escape(r.Detail));
        }

        console.Out.Write(table);
        int failed = results.Count(r => r.Outcome == ProbeOutcome.Fail);
        if (failed > 0)
        {
            console.Fail($"{failed} check(s) failed");
        }
    }

    internal enum ProbeOutcome
    {
        Pass,
        Fail,
        NotApplicable,
    }

    internal sealed record ProbeResult(string Rule, string Check, ProbeOutcome Outcome, string Detail)
    {
        public string Label => Outcome switch { ProbeOutcome.Pass => "PASS", ProbeOutcome.Fail => "FAIL", _ => "N/A" };
    }

    private sealed class Probe(ServerOptions server, ParseResult parsed, CliConsole console, Uri target)
    {
        private readonly List<ProbeResult> _results = [];
        private AuthorizationServerCertificateValidator _trust = null!;

        public async Task<IReadOnlyList<ProbeResult>> RunAsync(string? certificateB, string? keyB, string? clientIdB, CancellationToken cancellationToken)
        {
            using ServiceProvider clientA = server.BuildClient(parsed, console);
            FapiClientContext contextA = clientA.GetRequiredService<FapiClientRegistry>()[ServerOptions.ClientName];
            _trust = contextA.Credentials.ProviderTrust;
            X509Certificate2 a = contextA.Credentials.Certificate;
            string token;
            try
            {
                token = await contextA.Tokens.GetAsync(rejected: null, cancellationToken);
            }
            catch (FapiTokenRequestException ex)
            {
                throw CliException.Failed("no token for the probe: " + ex.Message, ex);
            }

            using HttpClient withA = Client(a);
            using HttpClient without = Client(null);

            // T-04: a connection without a client certificate is refused: in the handshake (or by an alert just after
            // it, under TLS 1.3), or with 400 (a proxy) or 401. Not reaching the server at all proves nothing.
            try
            {
                using HttpResponseMessage noCertificate = await without.SendAsync(Request(target, token), cancellationToken);
                Add("T-04", "no client certificate is refused", (int)noCertificate.StatusCode is 400 or 401, $"{(int)noCertificate.StatusCode}");
            }
            catch (HttpRequestException ex) when (ex.HttpRequestError is HttpRequestError.SecureConnectionError or HttpRequestError.ResponseEnded or HttpRequestError.InvalidResponse
                || ex.InnerException is IOException or AuthenticationException)
            {
                Add("T-04", "no client certificate is refused", true, "refused at the TLS level" + (ex.InnerException is null ? "" : $" ({ex.InnerException.GetType().Name})"));
            }
            catch (HttpRequestException ex)
            {
                Add("T-04", "no client certificate is refused", false, "could not reach the provider: " + (ex.InnerException?.Message ?? ex.Message));
            }

            // E-01: no token is 401 with a bare challenge.
            using HttpResponseMessage noToken = await withA.SendAsync(Request(target, null), cancellationToken);
            string challenge = noToken.Headers.WwwAuthenticate.ToString();
            Add("E-01", "no token: 401 with a strict Bearer challenge", noToken.StatusCode == HttpStatusCode.Unauthorized && BareChallenge().IsMatch(challenge), $"{(int)noToken.StatusCode} {challenge}");

            // E-03: an unknown token is 401 invalid_token.
            using HttpResponseMessage badToken = await withA.SendAsync(Request(target, "oefapi-probe-" + Guid.NewGuid().ToString("N")), cancellationToken);
            Add("E-03", "a bad token: 401 invalid_token", badToken.StatusCode == HttpStatusCode.Unauthorized && Error(badToken) == "invalid_token", $"{(int)badToken.StatusCode} {badToken.Headers.WwwAuthenticate}");

            // P-02: a token only in the query is never read. A made-up one (the real token never goes into a URL, which
            // access logs keep): 401 invalid_token would show the query was read; a bare 401, 400 or 414 is right.
            string madeUp = "oefapi-probe-query-" + Guid.NewGuid().ToString("N");
            using HttpResponseMessage queryOnly = await withA.SendAsync(Request(WithQueryToken(target, madeUp), null), cancellationToken);
            Add("P-02", "a token only in the query is refused", (int)queryOnly.StatusCode is 400 or 414 || (queryOnly.StatusCode == HttpStatusCode.Unauthorized && Error(queryOnly) is null), $"{(int)queryOnly.StatusCode} {queryOnly.Headers.WwwAuthenticate}");

            // P-04: a token in the header and one in the query is 400 invalid_request.
            using HttpResponseMessage both = await withA.SendAsync(Request(WithQueryToken(target, madeUp), token), cancellationToken);
            Add("P-04", "a token in the header and the query: 400 invalid_request", both.StatusCode == HttpStatusCode.BadRequest && Error(both) == "invalid_request", $"{(int)both.StatusCode} {both.Headers.WwwAuthenticate}");

            // P-04: two Authorization headers are 400 (sent raw: HttpClient folds them into one).
            (int duplicateStatus, SslProtocols protocol) = await SendTwoAuthorizationHeadersAsync(a, token, cancellationToken);
            Add("P-04", "two Authorization headers: 400", duplicateStatus == 400, duplicateStatus.ToString(CultureInfo.InvariantCulture));

            // B-03: A's token with B's certificate (and B's with A's) is 401 invalid_token.
            if (certificateB is not null && keyB is not null)
            {
                using ServiceProvider clientB = server.BuildClient(parsed, console, certificateB, keyB, clientIdB ?? parsed.GetRequiredValue(server.ClientId));
                X509Certificate2 b = clientB.GetRequiredService<FapiClientRegistry>()[ServerOptions.ClientName].Credentials.Certificate;
                using HttpClient withB = Client(b);
                using HttpResponseMessage swapped = await withB.SendAsync(Request(target, token), cancellationToken);
                Add("B-03", "A's token with B's certificate: 401 invalid_token", swapped.StatusCode == HttpStatusCode.Unauthorized && Error(swapped) == "invalid_token", $"{(int)swapped.StatusCode} {swapped.Headers.WwwAuthenticate}");
                if (clientIdB is not null)
                {
                    string tokenB = await clientB.GetRequiredService<FapiClientRegistry>()[ServerOptions.ClientName].Tokens.GetAsync(rejected: null, cancellationToken);
                    using HttpResponseMessage reversed = await withA.SendAsync(Request(target, tokenB), cancellationToken);
                    Add("B-03", "B's token with A's certificate: 401 invalid_token", reversed.StatusCode == HttpStatusCode.Unauthorized && Error(reversed) == "invalid_token", $"{(int)reversed.StatusCode}");
                }
            }
            else
            {
                _results.Add(new("B-03", "a token presented with another certificate is refused", ProbeOutcome.NotApplicable, "give --cert-b and --key-b"));
            }

            // H-01, H-02: a served request carries Date and echoes the interaction id.
            string sent = Guid.NewGuid().ToString();
            using HttpResponseMessage served = await withA.SendAsync(Request(target, token, sent), cancellationToken);
            bool ok = served.IsSuccessStatusCode;
            Add("P-08", "a bound token with the certificate is served", ok, $"{(int)served.StatusCode} {served.Headers.WwwAuthenticate}" + (ok ? "" : " (the URL must be readable with the given certificate and scopes)"));
            string echoed = First(served, "x-fapi-interaction-id") ?? "(none)";
            if (ok)
            {
                Add("H-01", "Date on success (IMF-fixdate)", HasDate(served), served.Headers.Date?.ToString("r", CultureInfo.InvariantCulture) ?? "(none)");
                Add("H-02", "the interaction id is echoed", echoed == sent, echoed);
            }
            else
            {
                _results.Add(new("H-01", "Date on success (IMF-fixdate)", ProbeOutcome.NotApplicable, "no successful request (P-08)"));
                _results.Add(new("H-02", "the interaction id is echoed", ProbeOutcome.NotApplicable, "no successful request (P-08)"));
            }

            // H-01, H-03/H-04, H-10: an error carries Date, a UUID interaction id, and no-store.
            string errorId = First(noToken, "x-fapi-interaction-id") ?? "(none)";
            Add("H-01", "Date on an error", HasDate(noToken), noToken.Headers.Date?.ToString("r", CultureInfo.InvariantCulture) ?? "(none)");
            Add("H-04", "a UUID interaction id on an error", Guid.TryParseExact(errorId, "D", out _), errorId);
            Add("H-10", "no-store on an error", noToken.Headers.CacheControl?.NoStore == true, noToken.Headers.CacheControl?.ToString() ?? "(none)");

            // T-01: TLS 1.2 or later, and TLS 1.1 refused (when this machine can still offer it at all).
            Add("T-01", "TLS 1.2 or later", protocol is SslProtocols.Tls12 or SslProtocols.Tls13, protocol switch { SslProtocols.Tls13 => "TLS 1.3", SslProtocols.Tls12 => "TLS 1.2", _ => protocol.ToString() });
            _results.Add(await OldTlsRefusedAsync(cancellationToken));
            return _results;
        }

        private void Add(string rule, string check, bool passed, string detail) => _results.Add(new(rule, check, passed ? ProbeOutcome.Pass : ProbeOutcome.Fail, detail));

        private HttpClient Client(X509Certificate2? certificate)
        {
            var handler = new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, ConnectTimeout = TimeSpan.FromSeconds(10) };
            handler.SslOptions.RemoteCertificateValidationCallback = _trust.Validate;
            handler.SslOptions.EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13;
            if (certificate is not null)
            {
                handler.SslOptions.ClientCertificates = [certificate];
                handler.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => certificate;
            }
            else
            {
                handler.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => null!;
            }

            return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        }

        private static HttpRequestMessage Request(Uri uri, string? token, string? interactionId = null)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, uri);
            if (token is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }

            if (interactionId is not null)
            {
                request.Headers.TryAddWithoutValidation("x-fapi-interaction-id", interactionId);
            }

            return request;
        }

        private static Uri WithQueryToken(Uri uri, string token)
            => new(uri + (string.IsNullOrEmpty(uri.Query) ? "?" : "&") + "access_token=" + Uri.EscapeDataString(token));

        private async Task<(int Status, SslProtocols Protocol)> SendTwoAuthorizationHeadersAsync(X509Certificate2 certificate, string token, CancellationToken cancellationToken)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(target.IdnHost, target.Port, timeout.Token);
            await using var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false);
            await tls.AuthenticateAsClientAsync(TlsOptions(certificate, SslProtocols.Tls12 | SslProtocols.Tls13), timeout.Token);
            string request = $"GET {target.PathAndQuery} HTTP/1.1\r\nHost: {target.Authority}\r\nAuthorization: Bearer {token}\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n";
            await tls.WriteAsync(Encoding.ASCII.GetBytes(request), timeout.Token);
            using var reader = new StreamReader(tls, Encoding.ASCII);
            string? statusLine = await reader.ReadLineAsync(timeout.Token);
            string[] parts = statusLine?.Split(' ') ?? [];
            return (parts.Length > 1 && int.TryParse(parts[1], CultureInfo.InvariantCulture, out int status) ? status : 0, tls.SslProtocol);
        }

        private async Task<ProbeResult> OldTlsRefusedAsync(CancellationToken cancellationToken)
        {
            const string Check = "TLS 1.1 is refused";
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(target.IdnHost, target.Port, timeout.Token);
            await using var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false);
#pragma warning disable SYSLIB0039, CA5397 // TLS 1.1 is offered on purpose: the provider must refuse it.
            SslClientAuthenticationOptions options = TlsOptions(null, SslProtocols.Tls11);
#pragma warning restore SYSLIB0039, CA5397
            try
            {
                await tls.AuthenticateAsClientAsync(options, timeout.Token);
                return new("T-01", Check, ProbeOutcome.Fail, "the provider accepted TLS 1.1");
            }
            catch (Exception ex) when (ex is AuthenticationException or IOException)
            {
                // Modern TLS libraries no longer offer TLS 1.1 at all: then nothing was asked of the provider.
                var messages = new List<string>();
                for (Exception? e = ex; e is not null; e = e.InnerException)
                {
                    messages.Add(e.Message);
                }

                string detail = string.Join(" / ", messages);
                return detail.Contains("no protocols available", StringComparison.OrdinalIgnoreCase) || detail.Contains("no ciphers available", StringComparison.OrdinalIgnoreCase)
                    ? new("T-01", Check, ProbeOutcome.NotApplicable, "this machine's TLS library cannot offer TLS 1.1")
                    : new("T-01", Check, ProbeOutcome.Pass, "refused: " + detail);
            }
        }

        private SslClientAuthenticationOptions TlsOptions(X509Certificate2? certificate, SslProtocols protocols) => new()
        {
            TargetHost = target.IdnHost,
            ClientCertificates = certificate is null ? null : [certificate],
            LocalCertificateSelectionCallback = (_, _, _, _, _) => certificate!,
            RemoteCertificateValidationCallback = _trust.Validate,
            EnabledSslProtocols = protocols,
        };

        private static string? Error(HttpResponseMessage response) => FapiChallenge.Read(response).Error;

        private static bool HasDate(HttpResponseMessage response)
            => response.Headers.TryGetValues("Date", out IEnumerable<string>? values)
                && DateTimeOffset.TryParseExact(values.First(), "r", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

        private static string? First(HttpResponseMessage response, string header)
            => response.Headers.TryGetValues(header, out IEnumerable<string>? values) ? values.FirstOrDefault() : null;
    }
}
