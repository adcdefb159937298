using OpenEnergy.Fapi.Cli;

using var interrupted = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // Ctrl+C ends the command cleanly (exit 1), not the process mid-write.
    e.Cancel = true;
    interrupted.Cancel();
};
return await CliApplication.RunAsync(args, CliConsole.FromProcess(), interrupted.Token);
