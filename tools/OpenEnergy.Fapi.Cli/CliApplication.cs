using System.CommandLine;
using OpenEnergy.Fapi.Cli.Commands;

namespace OpenEnergy.Fapi.Cli;

/// <summary>The <c>oe-fapi</c> command line: its commands, parse errors as exit 2, failures as exit 1.</summary>
internal static class CliApplication
{
    public static RootCommand Build(CliConsole console) => new("oe-fapi: Open Energy FAPI keys, certificates, tokens, downloads and provider checks.")
    {
        KeygenCommand.Create(console),
        ThumbprintCommand.Create(console),
        InspectCommand.Create(console),
        CaBundleCommand.Create(console),
        KeyCommand.Create(console),
        TokenCommand.Create(console),
        GetCommand.Create(console),
        ProbeCommand.Create(console),
    };

    public static async Task<int> RunAsync(string[] args, CliConsole console, CancellationToken cancellationToken = default)
    {
        RootCommand root = Build(console);
        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            // A usage error is exit 2 (System.CommandLine's own default would be 1, the code of a failed check).
            foreach (System.CommandLine.Parsing.ParseError error in parsed.Errors)
            {
                console.Fail(error.Message);
            }

            console.Note($"Run '{string.Join(' ', CommandPath(parsed).Prepend("oe-fapi"))} --help' for usage.");
            return CliExitCode.Usage;
        }

        try
        {
            // Failures are the commands' own (CliException): no stack traces from the package's default handler.
            return await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false }, cancellationToken).ConfigureAwait(false);
        }
        catch (CliException ex)
        {
            console.Fail(ex.Message);
            return ex.ExitCode;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            console.Fail("cancelled");
            return CliExitCode.Failed;
        }
#pragma warning disable CA1031 // A tool ends with a message and exit 1, never with a stack trace and the runtime's code.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            console.Fail(Describe(ex));
            return CliExitCode.Failed;
        }
    }

    private static string Describe(Exception ex) => ex switch
    {
        HttpRequestException { InnerException: { } inner } => $"{ex.Message} ({inner.Message})",
        IOException or UnauthorizedAccessException or HttpRequestException or System.Security.Cryptography.CryptographicException or System.Security.Authentication.AuthenticationException => ex.Message,
        TimeoutException or OperationCanceledException => "timed out: " + ex.Message,
        _ => $"unexpected {ex.GetType().Name}: {ex.Message}",
    };

    private static Stack<string> CommandPath(ParseResult parsed)
    {
        var names = new Stack<string>();
        for (System.CommandLine.Parsing.SymbolResult? result = parsed.CommandResult; result is System.CommandLine.Parsing.CommandResult { Command: not RootCommand } command; result = result.Parent)
        {
            names.Push(command.Command.Name);
        }

        return names;
    }
}
