using System.Reflection;

namespace OpenEnergy.Fapi.Packaging.Tests;

/// <summary>
/// The build does not depend on where the clone lives: under a folder named <c>src</c> (the common
/// <c>~/src/&lt;repo&gt;</c> habit) a test project still builds without the shipped libraries' XML-doc rules,
/// and the libraries still pack with their symbols.
/// </summary>
[NonParallelizable]
public class AnyFolderBuildTests
{
    [Test]
    [CancelAfter(600_000)]
    public async Task CloneUnderAFolderNamedSrc_BuildsATestProjectAndPacks(CancellationToken cancellationToken)
    {
        string configuration = typeof(AnyFolderBuildTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        string work = Path.Combine(Path.GetTempPath(), "oe-fapi-anyfolder-" + Guid.NewGuid().ToString("N"));
        string clone = Path.Combine(work, "src", "openenergy-fapi");
        try
        {
            Repository.CopyTo(clone, "Directory.Build.props", "Directory.Packages.props", "nuget.config", ".editorconfig", "src",
                Path.Combine("tests", "Shared"), Path.Combine("tests", "OpenEnergy.Fapi.HttpListener.Tests"), Path.Combine("samples", "OpenEnergy.Fapi.HttpListenerSample"));

            (int built, string buildOutput) = await Repository.RunAsync("dotnet", ["build", Path.Combine(clone, "tests", "OpenEnergy.Fapi.HttpListener.Tests"), "-c", configuration], clone, TimeSpan.FromMinutes(5));
            Assert.That(built, Is.Zero, buildOutput);
            Assert.That(Directory.GetFiles(Path.Combine(clone, "tests", "OpenEnergy.Fapi.HttpListener.Tests", "bin"), "OpenEnergy.Fapi.HttpListener.Tests.xml", SearchOption.AllDirectories), Is.Empty,
                "a test project got the shipped libraries' documentation settings");

            string feed = Path.Combine(work, "feed");
            (int packed, string packOutput) = await Repository.RunAsync("dotnet", ["pack", Path.Combine(clone, "src", "OpenEnergy.Fapi.HttpListener"), "-c", configuration, "-o", feed], clone, TimeSpan.FromMinutes(5));
            Assert.That(packed, Is.Zero, packOutput);
            Assert.That(Directory.GetFiles(feed).Select(Path.GetFileName), Has.Some.Match(@"^OpenEnergy\.Fapi\.HttpListener\..*\.nupkg$").And.Some.Match(@"\.snupkg$"));
        }
        finally
        {
            if (Directory.Exists(work))
            {
                Directory.Delete(work, recursive: true);
            }
        }
    }
}
