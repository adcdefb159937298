using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace OpenEnergy.Fapi.Tests.Shared;

/// <summary>
/// A real <c>redis-server</c> of the machine's own (installed by <c>.ci/run</c>), started by the tests on a free
/// loopback port, without persistence, and stopped with them. It can be stopped and started again on the same
/// port, to prove that a provider rides out a Redis restart.
/// </summary>
internal sealed class RedisServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private readonly string _directory = Directory.CreateTempSubdirectory("oefapi-redis-").FullName;
    private Process? _process;

    private RedisServer(int port) => Port = port;

    public int Port { get; }

    /// <summary>A StackExchange.Redis configuration string for this server.</summary>
    public string ConfigurationString => $"127.0.0.1:{Port}";

    public bool IsRunning => _process is { HasExited: false };

    public static async Task<RedisServer> StartAsync()
    {
        string executable = FindExecutable()
            ?? throw new InvalidOperationException("redis-server is not installed: run .ci/run once, or apt-get install redis-server.");
        for (int attempt = 1; ; attempt++)
        {
            var server = new RedisServer(FreePort()) { Executable = executable };
            try
            {
                await server.StartProcessAsync();
                return server;
            }
            catch (IOException) when (attempt < 5)
            {
                // The port was taken between choosing it and redis-server binding it: choose another.
                await server.DisposeAsync();
            }
        }
    }

    private string Executable { get; init; } = "";

    /// <summary>Kills the server (as a crash would) and waits until it has gone.</summary>
    public async Task StopAsync()
    {
        if (_process is { } process && !process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    /// <summary>Stops the process without closing its connections (SIGSTOP): a Redis that hangs.</summary>
    public Task FreezeAsync() => SignalAsync("-STOP");

    /// <summary>Lets a frozen server go on (SIGCONT).</summary>
    public Task ThawAsync() => SignalAsync("-CONT");

    /// <summary>Starts the server again on the same port, empty.</summary>
    public Task RestartAsync() => StartProcessAsync();

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process?.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task StartProcessAsync()
    {
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _directory,
        };
        foreach (string argument in new[]
        {
            "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "no", "--dir", _directory, "--daemonize", "no", "--loglevel", "notice",
        })
        {
            start.ArgumentList.Add(argument);
        }

        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new System.Text.StringBuilder();
        Process process = new() { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (output)
            {
                output.AppendLine(e.Data);
            }

            // Redis says so once it listens.
            if (e.Data.Contains("Ready to accept connections", StringComparison.Ordinal))
            {
                ready.TrySetResult();
            }
        };
        process.Exited += (_, _) => ready.TrySetException(new IOException($"redis-server exited at start:\n{Snapshot(output)}"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        try
        {
            await ready.Task.WaitAsync(StartTimeout);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"redis-server did not become ready within {StartTimeout}:\n{Snapshot(output)}");
        }
    }

    private async Task SignalAsync(string signal)
    {
        using Process kill = Process.Start("kill", [signal, _process!.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill {signal} failed with {kill.ExitCode}");
        }
    }

    private static string Snapshot(System.Text.StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string? FindExecutable()
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Append("/usr/bin").Append("/usr/sbin"))
        {
            string candidate = Path.Combine(dir, "redis-server");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
