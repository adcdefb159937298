using System.Diagnostics;

namespace OpenEnergy.Fapi.Packaging.Tests;

/// <summary>The repository root, and commands run the way a user's shell would run them.</summary>
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

        throw new InvalidOperationException("OpenEnergy.Fapi.sln was not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Runs a program with none of the test runner's MSBuild or test-host variables.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string file, string[] arguments, string workingDirectory, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string name in start.Environment.Keys.Where(n => n.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)
            || n.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase) || n is "DOTNET_HOST_PATH" or "MSBuildExtensionsPath" or "MSBuildSDKsPath").ToArray())
        {
            start.Environment.Remove(name);
        }

        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
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
            throw new TimeoutException($"{file} {string.Join(' ', arguments)} did not finish within {timeout}.");
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}
