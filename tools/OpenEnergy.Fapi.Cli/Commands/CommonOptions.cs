using System.CommandLine;

namespace OpenEnergy.Fapi.Cli.Commands;

/// <summary>Options several commands share.</summary>
internal static class CommonOptions
{
    public static Option<bool> Json() => new("--json") { Description = "Write the result as JSON (for scripts)." };

    /// <summary>A password from the option, else from <c>OE_FAPI_KEY_PASSWORD</c> (which keeps it out of <c>ps</c>).</summary>
    public static string? Password(string? given)
        => given ?? (Environment.GetEnvironmentVariable("OE_FAPI_KEY_PASSWORD") is { Length: > 0 } fromEnvironment ? fromEnvironment : null);
}
