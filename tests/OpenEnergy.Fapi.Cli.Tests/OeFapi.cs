using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace OpenEnergy.Fapi.Cli.Tests;

/// <summary>Runs the tool as its own process (its build output, as <c>dotnet oe-fapi.dll</c>), with stdin, and collects both streams.</summary>
internal static class OeFapi
{
    private static readonly string Dll = Path.Combine(
        Repository.Root, "tools", "OpenEnergy.Fapi.Cli", "bin",
        typeof(OeFapi).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug", "net10.0", "oe-fapi.dll");

    public static async Task<Result> RunAsync(string[] arguments, byte[]? stdin = null, IDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        ProcessStartInfo start = Repository.StartInfo("dotnet", [Dll, .. arguments], workingDirectory ?? Path.GetTempPath());
        start.RedirectStandardInput = true;
        start.Environment.Remove("OE_FAPI_KEY_PASSWORD");
        foreach ((string name, string value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using Process process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        Task<byte[]> stdout = ReadAllAsync(process.StandardOutput.BaseStream, timeout.Token);
        Task<string> stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        if (stdin is not null)
        {
            await process.StandardInput.BaseStream.WriteAsync(stdin, timeout.Token);
        }

        process.StandardInput.Close();
        await process.WaitForExitAsync(timeout.Token);
        return new Result(process.ExitCode, await stdout, await stderr);
    }

    private static async Task<byte[]> ReadAllAsync(Stream stream, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }

    internal sealed record Result(int ExitCode, byte[] StdoutBytes, string Stderr)
    {
        public string Stdout => Encoding.UTF8.GetString(StdoutBytes);

        public override string ToString() => $"exit {ExitCode}\nstdout: {Stdout}\nstderr: {Stderr}";
    }
}
