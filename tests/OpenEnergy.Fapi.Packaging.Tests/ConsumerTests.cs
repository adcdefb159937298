using System.Reflection;

namespace OpenEnergy.Fapi.Packaging.Tests;

/// <summary>
/// Packs every library and builds a throw-away provider outside the solution that references the packages
/// by version from that folder only; it must serve one 200 and one 401, and one more 200 to a consumer built
/// with the Client package over mutual TLS. Fails when a package misses a
/// dependency, a file, or a public type the README uses.
/// </summary>
[NonParallelizable]
public class ConsumerTests
{
    private static readonly string[] Packages = ["OpenEnergy.Fapi", "OpenEnergy.Fapi.AspNetCore", "OpenEnergy.Fapi.HttpListener", "OpenEnergy.Fapi.Redis", "OpenEnergy.Fapi.Testing", "OpenEnergy.Fapi.Client"];

    [Test]
    [CancelAfter(600_000)]
    public async Task PackedPackages_BuildAMinimalProvider_ThatServes200And401(CancellationToken cancellationToken)
    {
        string configuration = typeof(ConsumerTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        string work = Path.Combine(Path.GetTempPath(), "oe-fapi-consumer-" + Guid.NewGuid().ToString("N"));
        string feed = Path.Combine(work, "feed");
        string project = Path.Combine(work, "consumer");
        Directory.CreateDirectory(project);
        try
        {
            foreach (string package in Packages)
            {
                (int packed, string packOutput) = await Repository.RunAsync("dotnet", ["pack", Path.Combine(Repository.Root, "src", package), "-c", configuration, "--no-build", "-o", feed], Repository.Root, TimeSpan.FromMinutes(3));
                Assert.That(packed, Is.Zero, packOutput);
            }

            string version = Directory.GetFiles(feed, "*.nupkg").Select(f => System.Text.RegularExpressions.Regex.Match(Path.GetFileName(f), @"^OpenEnergy\.Fapi\.(\d+\.\d+\.\d+.*)\.nupkg$")).First(m => m.Success).Groups[1].Value;
            string source = Path.Combine(AppContext.BaseDirectory, "Consumer");
            await File.WriteAllTextAsync(Path.Combine(project, "Consumer.csproj"), (await File.ReadAllTextAsync(Path.Combine(source, "Consumer.csproj.template"), cancellationToken)).Replace("@VERSION@", version, StringComparison.Ordinal), cancellationToken);
            await File.WriteAllTextAsync(Path.Combine(project, "nuget.config"), (await File.ReadAllTextAsync(Path.Combine(source, "nuget.config.template"), cancellationToken)).Replace("@SOURCE@", feed, StringComparison.Ordinal), cancellationToken);
            File.Copy(Path.Combine(source, "Program.cs"), Path.Combine(project, "Program.cs"));

            // A fresh copy each run: never a package cached from an earlier build of the same version.
            string packages = Path.Combine(work, "packages");
            (int restored, string restoreOutput) = await Repository.RunAsync("dotnet", ["restore", project, "--packages", packages], project, TimeSpan.FromMinutes(5));
            Assert.That(restored, Is.Zero, restoreOutput);
            (int ran, string runOutput) = await Repository.RunAsync("dotnet", ["run", "--project", project, "--no-restore", "-p:RestorePackagesPath=" + packages, "-p:NuGetPackageRoot=" + packages + "/"], project, TimeSpan.FromMinutes(5));

            Assert.That(ran, Is.Zero, runOutput);
            Assert.That(runOutput, Does.Contain("with token: 200; without: 401 Bearer realm=\"open-energy\""));
            Assert.That(runOutput, Does.Contain("consumer client over mutual TLS: 200 data"));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
