using System.Diagnostics;

namespace OpenEnergy.Fapi.Tests.Shared;

/// <summary>
/// The repository checkout the tests run from, and commands run the way a user's shell would run them:
/// without the test runner's MSBuild and test-host variables. Linked into the test projects that need it.
/// </summary>
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

    /// <summary>Whether an environment variable belongs to the test runner rather than to a user's shell.</summary>
    public static bool IsRunnerVariable(string name)
        => name.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)
            || name.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)
            || name.StartsWith("TESTINGPLATFORM", StringComparison.OrdinalIgnoreCase)
            || name is "DOTNET_HOST_PATH" or "ASPNETCORE_ENVIRONMENT" or "DOTNET_ENVIRONMENT" or "MSBuildExtensionsPath" or "MSBuildSDKsPath";

    /// <summary>A start description for <paramref name="file"/> with a user's environment.</summary>
    public static ProcessStartInfo StartInfo(string file, IEnumerable<string> arguments, string workingDirectory)
    {
        var start = new ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string name in start.Environment.Keys.Where(IsRunnerVariable).ToArray())
        {
            start.Environment.Remove(name);
        }

        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        return start;
    }

    /// <summary>Runs a bash command line and returns its exit code and output.</summary>
    public static Task<(int ExitCode, string Output)> BashAsync(string commandLine, string workingDirectory, TimeSpan timeout)
        => RunAsync("bash", ["-c", commandLine], workingDirectory, timeout);

    /// <summary>Runs a program and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string file, string[] arguments, string workingDirectory, TimeSpan timeout)
    {
        using Process process = Process.Start(StartInfo(file, arguments, workingDirectory))!;
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

    /// <summary>
    /// Copies files and folders of the checkout (paths relative to <see cref="Root"/>) to <paramref name="destination"/>,
    /// leaving out build output and local state (<c>bin</c>, <c>obj</c>, <c>.dev</c>, <c>TestResults</c>, <c>.git</c>).
    /// </summary>
    public static void CopyTo(string destination, params string[] paths)
    {
        foreach (string path in paths)
        {
            string from = Path.Combine(Root, path);
            if (File.Exists(from))
            {
                string target = Path.Combine(destination, path);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(from, target);
                continue;
            }

            foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
            {
                string relative = Path.GetRelativePath(Root, file);
                if (relative.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj" or ".dev" or "TestResults" or ".git"))
                {
                    continue;
                }

                string target = Path.Combine(destination, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
        }
    }
}
