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

    private string _work = null!;
    private string _feed = null!;
    private string _version = null!;

    [OneTimeSetUp]
    public async Task PackEveryLibrary()
    {
        string configuration = typeof(ConsumerTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        _work = Path.Combine(Path.GetTempPath(), "oe-fapi-consumer-" + Guid.NewGuid().ToString("N"));
        _feed = Path.Combine(_work, "feed");
        foreach (string package in Packages)
        {
            (int packed, string packOutput) = await Repository.RunAsync("dotnet", ["pack", Path.Combine(Repository.Root, "src", package), "-c", configuration, "--no-build", "-o", _feed], Repository.Root, TimeSpan.FromMinutes(3));
            Assert.That(packed, Is.Zero, packOutput);
        }

        _version = Directory.GetFiles(_feed, "*.nupkg").Select(f => System.Text.RegularExpressions.Regex.Match(Path.GetFileName(f), @"^OpenEnergy\.Fapi\.(\d+\.\d+\.\d+.*)\.nupkg$")).First(m => m.Success).Groups[1].Value;
    }

    [OneTimeTearDown]
    public void DeleteWork() => Directory.Delete(_work, recursive: true);

    /// <summary>
    /// The program each PACKAGE.md shows (the block after "compiled by the packaging test as: …") builds, as written,
    /// against the packed packages, with warnings as errors: the usings are there and every API exists.
    /// </summary>
    [Test]
    [CancelAfter(900_000)]
    public async Task EveryPackageReadme_ProgramBuildsAsWritten(CancellationToken cancellationToken)
    {
        string source = Path.Combine(AppContext.BaseDirectory, "Consumer");
        string packages = Path.Combine(_work, "readme-packages");
        var programs = new List<(string Package, string Kind, string Code)>();
        foreach (string package in Packages)
        {
            string readme = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "src", package, "PACKAGE.md"), cancellationToken);
            foreach (System.Text.RegularExpressions.Match block in System.Text.RegularExpressions.Regex.Matches(readme, @"<!-- compiled by the packaging test as: (\w+) -->\n```csharp\n(.*?)```", System.Text.RegularExpressions.RegexOptions.Singleline))
            {
                programs.Add((package, block.Groups[1].Value, block.Groups[2].Value));
            }
        }

        Assert.That(programs.Select(p => p.Package).Distinct(), Is.EquivalentTo(Packages), "every package shows a complete program");
        foreach ((string package, string kind, string code) in programs)
        {
            string project = Path.Combine(_work, "readme-" + package);
            Directory.CreateDirectory(project);
            string template = await File.ReadAllTextAsync(Path.Combine(source, $"Readme.{kind}.csproj.template"), cancellationToken);
            await File.WriteAllTextAsync(Path.Combine(project, "Readme.csproj"), template.Replace("@VERSION@", _version, StringComparison.Ordinal), cancellationToken);
            await File.WriteAllTextAsync(Path.Combine(project, "nuget.config"), (await File.ReadAllTextAsync(Path.Combine(source, "nuget.config.template"), cancellationToken)).Replace("@SOURCE@", _feed, StringComparison.Ordinal), cancellationToken);
            await File.WriteAllTextAsync(Path.Combine(project, "Program.cs"), code, cancellationToken);

            (int built, string buildOutput) = await Repository.RunAsync("dotnet", ["build", project, "--packages", packages], project, TimeSpan.FromMinutes(5));
            Assert.That(built, Is.Zero, $"{package}/PACKAGE.md's program does not build:\n{buildOutput}");
        }
    }

    [Test]
    [CancelAfter(600_000)]
    public async Task PackedPackages_BuildAMinimalProvider_ThatServes200And401(CancellationToken cancellationToken)
    {
        string work = _work;
        string feed = _feed;
        string version = _version;
        string project = Path.Combine(work, "consumer");
        Directory.CreateDirectory(project);
        {
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
    }
}
