using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging.Testing;

namespace OpenEnergy.Fapi.Tests.Support;

/// <summary>
/// Run after every test of the shared fixtures: whatever the scenario, the validator's Trace-level log holds
/// no token (the fake server's tokens all look like <c>oe_</c> + 43 characters), no key and no PEM block.
/// </summary>
internal static partial class SecretScan
{
    [GeneratedRegex("oe_[A-Za-z0-9_-]{43}")]
    private static partial Regex Token();

    public static void AssertClean(FakeLogCollector logs)
    {
        foreach (FakeLogRecord record in logs.GetSnapshot())
        {
            string text = record.Message + " " + string.Join(" ", record.Scopes.Select(s => s?.ToString())) + " " + record.Exception;
            Assert.That(Token().IsMatch(text), Is.False, $"a token was logged: {record.Message}");
            Assert.That(text, Does.Not.Contain("BEGIN CERTIFICATE").And.Not.Contain("BEGIN%20CERTIFICATE").And.Not.Contain("PRIVATE KEY"), record.Message);
        }
    }
}
