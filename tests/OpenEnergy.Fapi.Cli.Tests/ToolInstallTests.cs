using System.Reflection;

namespace OpenEnergy.Fapi.Cli.Tests;

/// <summary>The tool packs as a .NET tool and installs from a local feed into a tool path (never --global), as the README shows.</summary>
[NonParallelizable]
internal sealed class ToolInstallTests
{
    [Test]
    [CancelAfter(600_000)]
    public async Task PackedTool_InstallsFromALocalFeed_AndRuns(CancellationToken cancellationToken)
    {
        string configuration = typeof(ToolInstallTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        string work = Path.Combine(Path.GetTempPath(), "oe-fapi-tool-" + Guid.NewGuid().ToString("N"));
        string feed = Path.Combine(work, "feed");
        string tools = Path.Combine(work, "tools");
        try
        {
            (int packed, string packOutput) = await Repository.RunAsync("dotnet", ["pack", Path.Combine(Repository.Root, "tools", "OpenEnergy.Fapi.Cli"), "-c", configuration, "--no-build", "-o", feed], Repository.Root, TimeSpan.FromMinutes(3));
            Assert.That(packed, Is.Zero, packOutput);
            string package = Directory.GetFiles(feed, "OpenEnergy.Fapi.Cli.*.nupkg").Single();
            string version = Path.GetFileNameWithoutExtension(package)["OpenEnergy.Fapi.Cli.".Length..];

            (int installed, string installOutput) = await Repository.RunAsync("dotnet", ["tool", "install", "--tool-path", tools, "--add-source", feed, "OpenEnergy.Fapi.Cli", "--version", version], work, TimeSpan.FromMinutes(3));
            Assert.That(installed, Is.Zero, installOutput);

            (int ran, string output) = await Repository.RunAsync(Path.Combine(tools, "oe-fapi"), ["--help"], work, TimeSpan.FromMinutes(1));
            Assert.That(ran, Is.Zero, output);
            Assert.That(output, Does.Contain("thumbprint").And.Contain("probe").And.Contain("keygen"));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
