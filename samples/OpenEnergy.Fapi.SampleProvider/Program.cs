using Microsoft.Extensions.Options;
using OpenEnergy.Fapi.SampleProvider;

try
{
    await using SampleProviderApplication provider = await SampleProviderApplication.CreateAsync(args);
    await provider.StartAsync();
#if DEV_MODE
    if (provider.Dev is { } dev)
    {
        Uri address = new(provider.Addresses.First().Replace("127.0.0.1", "localhost", StringComparison.Ordinal).Replace("[::1]", "localhost", StringComparison.Ordinal));
        Console.WriteLine();
        Console.WriteLine($"Dev mode: a fake authorization server runs at {dev.AuthorizationServer.BaseAddress}");
        Console.WriteLine($"Dev key material (CA, server, client, provider) is in {dev.Folder}");
        foreach ((string what, string command) in dev.CurlCommands(address))
        {
            Console.WriteLine("# " + what);
            Console.WriteLine(command);
        }

        Console.WriteLine();
    }
#endif

    await provider.App.WaitForShutdownAsync();
    return 0;
}
catch (OptionsValidationException ex)
{
    Console.Error.WriteLine("The provider is not configured:");
    foreach (string failure in ex.Failures)
    {
        Console.Error.WriteLine("  " + failure);
    }

    Console.Error.WriteLine("Set OpenEnergy:Fapi:* (appsettings.json, OpenEnergy__Fapi__* environment variables or --OpenEnergy:Fapi:Issuer=...),");
    Console.Error.WriteLine("or run with --dev for the embedded default (dotnet run --project samples/OpenEnergy.Fapi.SampleProvider -- --dev).");
    return 1;
}
catch (InvalidOperationException ex)
{
    // Configuration errors found while building the app (a missing file, dev mode in a published build).
    Console.Error.WriteLine("The provider cannot start: " + ex.Message);
    return 1;
}
