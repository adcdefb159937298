namespace OpenEnergy.Fapi.Cli;

/// <summary>Ends a command with a message on stderr and an exit code.</summary>
internal sealed class CliException : Exception
{
    public CliException(int exitCode, string message, Exception? inner = null)
        : base(message, inner) => ExitCode = exitCode;

    public int ExitCode { get; }

    /// <summary>A usage error: a wrong argument or an input file that is missing or unreadable (exit 2).</summary>
    public static CliException Usage(string message, Exception? inner = null) => new(CliExitCode.Usage, message, inner);

    /// <summary>A failed check or request (exit 1).</summary>
    public static CliException Failed(string message, Exception? inner = null) => new(CliExitCode.Failed, message, inner);
}
