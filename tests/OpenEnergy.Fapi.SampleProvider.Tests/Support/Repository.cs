using System.Diagnostics;

namespace OpenEnergy.Fapi.SampleProvider.Tests.Support;

/// <summary>The repository checkout the tests run from, and a way to run commands in it.</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OpenEnergy.Fapi.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (OpenEnergy.Fapi.sln) was not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Runs a bash command line and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> BashAsync(string commandLine, string workingDirectory, TimeSpan timeout)
    {
        var start = new ProcessStartInfo("bash", ["-c", commandLine])
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using Process process = Process.Start(start)!;
        using var cts = new CancellationTokenSource(timeout);
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(cts.Token);
        Task<string> stderr = process.StandardError.ReadToEndAsync(cts.Token);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{commandLine}' did not finish within {timeout}.");
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}
