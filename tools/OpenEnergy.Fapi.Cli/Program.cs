using OpenEnergy.Fapi.Cli;

return await CliApplication.RunAsync(args, CliConsole.FromProcess());
