using System.Diagnostics;
using System.Text.RegularExpressions;
using OpenEnergy.Fapi.SampleProvider.Tests.Support;

namespace OpenEnergy.Fapi.SampleProvider.Tests;

/// <summary>
/// A newcomer's first minutes: the README's first command on this checkout, then the <c>curl</c> lines it
/// prints, pasted into bash from another folder.
/// </summary>
internal sealed partial class ReadmeFirstCommandTests
{
    [GeneratedRegex("^```bash\\n(?<command>dotnet run [^\\n]+)\\n", RegexOptions.Multiline)]
    private static partial Regex FirstRunCommand();

    [Test]
    [CancelAfter(240_000)]
    public async Task FirstCommand_PrintsCurlLines_ThatFetchATokenACsvAndARefusal(CancellationToken cancellationToken)
    {
        string readme = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "README.md"), cancellationToken);
        Match match = FirstRunCommand().Match(readme);
        Assert.That(match.Success, Is.True, "the README's first bash block does not start with 'dotnet run'");
        await RunAndPasteCurlLinesAsync(match.Groups["command"].Value, cancellationToken);
    }

    [Test]
    [CancelAfter(240_000)]
    public async Task DevModeWithProfileIb1_PrintsCurlLines_ThatWorkWithTheRoleCarryingCertificate(CancellationToken cancellationToken)
    {
        const string command = "dotnet run --project samples/OpenEnergy.Fapi.SampleProvider -- --dev --profile ib1";
        string readme = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "README.md"), cancellationToken);
        Assert.That(readme, Does.Contain(command), "the README no longer shows the IB1 dev command");
        await RunAndPasteCurlLinesAsync(command, cancellationToken);
    }

    private static async Task RunAndPasteCurlLinesAsync(string command, CancellationToken cancellationToken)
    {
        if (!File.Exists("/usr/bin/curl") && !File.Exists("/bin/curl"))
        {
            Assert.Ignore("curl is not installed (.ci/run installs it)");
        }

        ProcessStartInfo start = Repository.StartInfo("bash", ["-c", "exec " + command], Repository.Root);
        using Process provider = Process.Start(start)!;
        var errors = new System.Text.StringBuilder();
        provider.ErrorDataReceived += (_, e) =>
        {
            lock (errors)
            {
                errors.AppendLine(e.Data);
            }
        };
        provider.BeginErrorReadLine();
        try
        {
            var curls = new List<string>();
            var seen = new List<string>();
            while (curls.Count < 3)
            {
                string? line = await provider.StandardOutput.ReadLineAsync(cancellationToken);
                Assert.That(line, Is.Not.Null, "the provider stopped before printing three curl lines:\n" + string.Join('\n', seen) + errors);
                seen.Add(line!);
                if (line!.StartsWith("curl ", StringComparison.Ordinal))
                {
                    curls.Add(line);
                }
            }

            string elsewhere = Path.GetTempPath();
            (int tokenExit, string tokenOutput) = await Repository.BashAsync(curls[0], elsewhere, TimeSpan.FromSeconds(30));
            (int csvExit, string csvOutput) = await Repository.BashAsync(curls[1], elsewhere, TimeSpan.FromSeconds(30));
            (int refusalExit, string refusalOutput) = await Repository.BashAsync(curls[2], elsewhere, TimeSpan.FromSeconds(30));

            Assert.That(tokenExit, Is.Zero, tokenOutput);
            Assert.That(tokenOutput, Does.Contain("\"access_token\""));
            Assert.That(csvExit, Is.Zero, csvOutput);
            Assert.That(csvOutput, Does.StartWith("timestamp,meter_id,consumption_kwh"));
            Assert.That(refusalExit, Is.Zero, refusalOutput);
            Assert.That(refusalOutput, Does.Match("^HTTP/\\S+ 4\\d\\d"));

            // The token the first line fetched works too (under IB1 its client_id is the certificate's URI SAN).
            string fetched = Regex.Match(tokenOutput, "\"access_token\"\\s*:\\s*\"(?<t>[^\"]+)\"").Groups["t"].Value;
            Assert.That(fetched, Is.Not.Empty, tokenOutput);
            string withFetched = Regex.Replace(curls[1], "Bearer [^']+", "Bearer " + fetched);
            (int fetchedExit, string fetchedOutput) = await Repository.BashAsync(withFetched, elsewhere, TimeSpan.FromSeconds(30));
            Assert.That(fetchedExit, Is.Zero, fetchedOutput);
            Assert.That(fetchedOutput, Does.StartWith("timestamp,meter_id,consumption_kwh"));
        }
        finally
        {
            provider.Kill(entireProcessTree: true);
            await provider.WaitForExitAsync(CancellationToken.None);
        }
    }
}
