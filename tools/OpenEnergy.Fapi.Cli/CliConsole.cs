using Spectre.Console;

namespace OpenEnergy.Fapi.Cli;

/// <summary>
/// Where output goes: the result on stdout (text, a table, JSON or raw bytes), and progress, colour and messages on
/// stderr, so <c>oe-fapi get URL &gt; file</c> and <c>--json | jq</c> see the result alone.
/// </summary>
internal sealed class CliConsole
{
    public CliConsole(Stream stdin, Stream stdout, TextWriter stdoutText, TextWriter stderrText, bool stdoutIsTerminal, bool stderrIsTerminal)
    {
        Input = stdin;
        OutputStream = stdout;
        Out = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(stdoutText),
            Ansi = stdoutIsTerminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = stdoutIsTerminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        Error = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(stderrText),
            Ansi = stderrIsTerminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = stderrIsTerminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = stderrIsTerminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        OutText = stdoutText;
        // Redirected output is read by scripts and logs: no wrapping at an imagined 80 columns.
        if (!stdoutIsTerminal)
        {
            Out.Profile.Width = 400;
        }

        if (!stderrIsTerminal)
        {
            Error.Profile.Width = 400;
        }
    }

    public Stream Input { get; }

    /// <summary>stdout as bytes (a downloaded body, byte for byte).</summary>
    public Stream OutputStream { get; }

    /// <summary>stdout as text: the result.</summary>
    public TextWriter OutText { get; }

    /// <summary>stdout for tables and marked-up results.</summary>
    public IAnsiConsole Out { get; }

    /// <summary>stderr: progress, warnings, messages.</summary>
    public IAnsiConsole Error { get; }

    public static CliConsole FromProcess() => new(
        Console.OpenStandardInput(),
        Console.OpenStandardOutput(),
        Console.Out,
        Console.Error,
        !Console.IsOutputRedirected,
        !Console.IsErrorRedirected);

    public void Warn(string message) => Error.MarkupLineInterpolated($"[yellow]warning:[/] {message}");

    public void Fail(string message) => Error.MarkupLineInterpolated($"[red]error:[/] {message}");

    public void Note(string message) => Error.MarkupLineInterpolated($"[grey]{message}[/]");
}
