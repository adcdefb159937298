namespace OpenEnergy.Fapi.Cli.Tests;

/// <summary>Help and usage errors: <c>--help</c> on every command is 0, a wrong command line is 2.</summary>
internal sealed class UsageTests
{
    [TestCase]
    [TestCase("keygen")]
    [TestCase("thumbprint")]
    [TestCase("inspect")]
    [TestCase("ca-bundle", "check")]
    [TestCase("key", "convert")]
    [TestCase("token")]
    [TestCase("get")]
    [TestCase("probe")]
    public async Task Help_IsExit0_ForEveryCommand(params string[] command)
    {
        OeFapi.Result result = await OeFapi.RunAsync([.. command, "--help"]);

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stdout, Does.Contain("Usage:").And.Contain("oe-fapi"));
    }

    [TestCase]
    [TestCase("thumbprint")]
    [TestCase("keygen", "--out", "/tmp")]
    [TestCase("get", "https://provider.example/data")]
    [TestCase("no-such-command")]
    [TestCase("thumbprint", "a.pem", "--no-such-option")]
    public async Task WrongCommandLine_IsExit2_WithTheProblemOnStderr(params string[] arguments)
    {
        OeFapi.Result result = await OeFapi.RunAsync(arguments);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Does.Contain("error:"));
        Assert.That(result.Stdout, Is.Empty);
    }
}
