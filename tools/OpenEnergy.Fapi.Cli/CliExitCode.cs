namespace OpenEnergy.Fapi.Cli;

/// <summary>The tool's exit codes.</summary>
internal static class CliExitCode
{
    /// <summary>Done, and every check passed.</summary>
    public const int Ok = 0;

    /// <summary>A check found a problem, or a request was refused or failed.</summary>
    public const int Failed = 1;

    /// <summary>The command line or an input file is wrong (missing argument, unreadable file).</summary>
    public const int Usage = 2;
}
