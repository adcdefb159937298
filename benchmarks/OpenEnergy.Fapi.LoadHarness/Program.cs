// Load-test host for benchmarks/load/run.sh. It runs the fake authorization server and a small control endpoint
// in this process, and the measured provider in a process of its own (so that its memory is its own): by default
// this program again with --provider-only (the sample provider hosted as in a JIT deployment), or PROVIDER_COMMAND
// (a published sample, JIT or Native AOT). BASELINE_COMMAND is the bare Kestrel baseline (a published
// OpenEnergy.Fapi.Baseline). Prints what the load script needs, then runs until stdin closes.
//   AS_MODE=slow          the authorization server answers each introspection after 20 ms, at most 16 at once
//   AS_LATENCY_MS=n       each introspection answer waits n ms (no limit on concurrency)
//   PROVIDER_ENV="K=V …"  extra environment for the provider process (GC settings: DOTNET_gcServer=0 …)
//   TOKEN_FORMAT=jwt      the provider validates JWT access tokens locally; JWT_POOL names a file of JWTs minted
//                         in advance, which stand in for "a new token per request"
//   FLEET=N               N more providers (--provider-only), sharing the Redis named by FLEET_REDIS when set
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using OpenEnergy.Fapi.Certificates;
using OpenEnergy.Fapi.LoadHarness;
using OpenEnergy.Fapi.SampleProvider;
using OpenEnergy.Fapi.Testing;

if (args.Contains("--provider-only"))
{
    // A provider process: every setting comes from the environment (OpenEnergy__Fapi__…), as in a deployment.
    await using SampleProviderApplication member = await SampleProviderApplication.CreateAsync(args.Where(a => a != "--provider-only").ToArray());
    await member.StartAsync();
    Console.WriteLine($"PROVIDER={member.Addresses.First()}");
    // "retained": what the process keeps after a full collection, beside its peak RSS (which includes the GC's headroom).
    while (await Console.In.ReadLineAsync() is { } command)
    {
        if (command == "retained")
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            Console.WriteLine($"RETAINED={GC.GetTotalMemory(forceFullCollection: true) / (1024 * 1024)}");
        }
    }

    await member.App.StopAsync();
    return;
}

string work = Path.Combine(Path.GetTempPath(), "oe-fapi-load-" + Environment.ProcessId);
string data = Path.Combine(work, "data");
Directory.CreateDirectory(data);
string row = "2026-11-01T00:00:00Z,MTR-0001,0.412\n";
string small = "timestamp,meter_id,consumption_kwh\n" + string.Concat(Enumerable.Repeat(row, 2048 / row.Length));
string smallPath = Path.Combine(data, "small.csv");
await File.WriteAllTextAsync(smallPath, small);
await File.WriteAllTextAsync(Path.Combine(data, "large.csv"), "timestamp,meter_id,consumption_kwh\n" + string.Concat(Enumerable.Repeat(row, 1024 * 1024 / row.Length)));

using TestCertificateAuthority directory = TestCertificateAuthority.Create("Load Test Directory");
X509Certificate2 consumer = directory.IssueClientCertificate("load-consumer", "org-load", algorithm: TestKeyAlgorithm.Rsa2048);
await using FakeAuthorizationServer server = await FakeAuthorizationServer.StartAsync(new FakeAuthorizationServerOptions { Authority = directory, RecordIntrospections = false });
// Every token introspects as active and bound to the consumer: a new token per request is a cache miss, not a refusal.
FakeIntrospectionResponse active = FakeIntrospectionResponse.Active(CertificateThumbprint.FromCertificate(consumer), "energy:read", lifetime: TimeSpan.FromHours(2));
server.UnknownTokenResponse = Environment.GetEnvironmentVariable("AS_MODE") == "slow"
    ? FakeIntrospectionResponse.Throttled(16, TimeSpan.FromMilliseconds(20), active)
    : int.TryParse(Environment.GetEnvironmentVariable("AS_LATENCY_MS"), out int latency) && latency > 0
        ? FakeIntrospectionResponse.Delayed(TimeSpan.FromMilliseconds(latency), active)
        : active;
(string providerCertificate, string providerKey) = TestCertificateAuthority.WritePemFiles(directory.IssueClientCertificate("load-provider"), work, "provider");
string caBundle = Path.Combine(work, "ca.pem");
await File.WriteAllTextAsync(caBundle, directory.Certificate.ExportCertificatePem() + "\n");

var settings = new Dictionary<string, string?>
{
    ["OpenEnergy:Fapi:Issuer"] = server.BaseAddress.ToString(),
    ["OpenEnergy:Fapi:ClientId"] = "load-provider",
    ["OpenEnergy:Fapi:CertificatePath"] = providerCertificate,
    ["OpenEnergy:Fapi:PrivateKeyPath"] = providerKey,
    ["OpenEnergy:Fapi:AuthorizationServerCaPath"] = caBundle,
    ["OpenEnergy:Fapi:ClientCertificateHeader"] = "X-OE-CLIENT-CERT",
    // One consumer sends every token here: its share of authorization-server calls must not be what is measured.
    ["OpenEnergy:Fapi:MaxConcurrentIntrospectionsPerClient"] = "100000",
    ["Provider:RequiredScope"] = "energy:read",
    ["Provider:DataDirectory"] = data,
    ["Provider:PublicDirectory"] = "",
    ["Logging:LogLevel:Default"] = "Warning",
    ["Logging:LogLevel:OpenEnergy.Fapi"] = "Warning",
};
if (Environment.GetEnvironmentVariable("MAX_QUEUED") is { Length: > 0 } maxQueued)
{
    settings["OpenEnergy:Fapi:MaxQueuedIntrospections"] = maxQueued;
}

// PROVIDER_REDIS: the measured provider with the Redis shared cache configured (run.sh's hit figures with it).
var providerSettings = new Dictionary<string, string?>(settings);
if (Environment.GetEnvironmentVariable("PROVIDER_REDIS") is { Length: > 0 } providerRedis)
{
    providerSettings["OpenEnergy:Fapi:SharedCache:Redis"] = providerRedis;
    providerSettings["OpenEnergy:Fapi:SharedCache:IntegrityKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
}

// TOKEN_FORMAT=jwt: JWT access tokens validated locally. A 200 ms CacheDuration makes each token of the pool (sent in
// turn, coming back seconds later) a new validation: every such request is a signature check.
bool jwt = string.Equals(Environment.GetEnvironmentVariable("TOKEN_FORMAT"), "jwt", StringComparison.OrdinalIgnoreCase);
if (jwt)
{
    providerSettings["OpenEnergy:Fapi:AccessTokenFormat"] = "Jwt";
    providerSettings["OpenEnergy:Fapi:Audience"] = FakeAuthorizationServer.DefaultJwtAudience;
    providerSettings["OpenEnergy:Fapi:CacheDuration"] = "00:00:00.200";
}

// The measured provider, a process of its own.
string? providerCommand = Environment.GetEnvironmentVariable("PROVIDER_COMMAND");
ChildProcess provider = providerCommand is { Length: > 0 }
    ? await ChildProcess.StartAsync(providerCommand, providerSettings, Environment.GetEnvironmentVariable("PROVIDER_ENV"))
    : await ChildProcess.StartAsync($"{Environment.ProcessPath} --provider-only", providerSettings, Environment.GetEnvironmentVariable("PROVIDER_ENV"));

// The fleet: more providers, separate processes, with the same settings (and the shared cache when asked).
var fleet = new List<ChildProcess>();
int fleetSize = int.TryParse(Environment.GetEnvironmentVariable("FLEET"), out int n) ? n : 0;
string? fleetRedis = Environment.GetEnvironmentVariable("FLEET_REDIS");
for (int i = 0; i < fleetSize; i++)
{
    var memberSettings = new Dictionary<string, string?>(settings);
    if (!string.IsNullOrEmpty(fleetRedis))
    {
        memberSettings["OpenEnergy:Fapi:SharedCache:Redis"] = fleetRedis;
        memberSettings["OpenEnergy:Fapi:SharedCache:IntegrityKey"] = Environment.GetEnvironmentVariable("FLEET_INTEGRITY_KEY");
    }

    fleet.Add(await ChildProcess.StartAsync($"{Environment.ProcessPath} --provider-only", memberSettings, null));
}

// The bare Kestrel baseline, also a process of its own.
ChildProcess? baseline = Environment.GetEnvironmentVariable("BASELINE_COMMAND") is { Length: > 0 } baselineCommand
    ? await ChildProcess.StartAsync($"{baselineCommand} {smallPath}", [], null)
    : null;

string certHeader = Uri.EscapeDataString(consumer.ExportCertificatePem() + "\n");
WebApplicationBuilder controlBuilder = WebApplication.CreateSlimBuilder();
controlBuilder.Logging.ClearProviders();
controlBuilder.WebHost.UseUrls("http://127.0.0.1:0");
WebApplication control = controlBuilder.Build();
control.MapGet("/introspections", () => server.IntrospectionCount.ToString(System.Globalization.CultureInfo.InvariantCulture));
control.MapGet("/retained", async () => await provider.AskAsync("retained", "RETAINED=") ?? "n/a");
// The slow-mode run: a new token per request; latency percentiles of the served (200) requests alone.
control.MapGet("/slowload", async (int seconds, int connections) => await SlowLoad.RunAsync(provider.Address + "/small", certHeader, seconds, connections));
await control.StartAsync();

Console.WriteLine($"PROVIDER={provider.Address}");
if (baseline is not null)
{
    Console.WriteLine($"BARE={baseline.Address}");
    Console.WriteLine($"BARE_PID={baseline.Pid}");
}

Console.WriteLine($"CONTROL={control.Urls.First()}");
Console.WriteLine($"TOKEN={(jwt ? server.IssueJwt(consumer, "energy:read", lifetime: TimeSpan.FromHours(2)) : server.IssueToken(consumer, "energy:read", lifetime: TimeSpan.FromHours(2)))}");
if (jwt)
{
    int size = int.TryParse(Environment.GetEnvironmentVariable("JWT_POOL_SIZE"), out int wanted) ? wanted : 20_000;
    string[] pool = new string[size];
    Parallel.For(0, size, i => pool[i] = server.IssueJwt(consumer, "energy:read", lifetime: TimeSpan.FromHours(2)));
    string poolPath = Path.Combine(work, "jwt-pool.txt");
    await File.WriteAllLinesAsync(poolPath, pool);
    Console.WriteLine($"JWT_POOL={poolPath}");
}

Console.WriteLine($"CERT_HEADER={certHeader}");
Console.WriteLine($"PID={provider.Pid}");
Console.WriteLine($"FLEET_PROVIDERS={string.Join(' ', fleet.Select(m => m.Address))}");
Console.WriteLine($"FLEET_PIDS={string.Join(' ', fleet.Select(m => m.Pid))}");
Console.WriteLine("READY");

await Console.In.ReadToEndAsync();
foreach (ChildProcess child in fleet.Append(provider).Concat(baseline is null ? [] : [baseline]))
{
    await child.DisposeAsync();
}

await control.StopAsync();
Directory.Delete(work, recursive: true);

namespace OpenEnergy.Fapi.LoadHarness
{
    /// <summary>A process the harness starts on a free loopback port, with settings as environment variables.</summary>
    internal sealed class ChildProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly SemaphoreSlim _ask = new(1, 1);
        private volatile PendingAnswer? _pending;

        private ChildProcess(Process process, string address)
        {
            _process = process;
            Address = address;
            _process.OutputDataReceived += OnOutput;
            _process.BeginOutputReadLine();
        }


        public string Address { get; }

        public int Pid => _process.Id;

        public static async Task<ChildProcess> StartAsync(string command, Dictionary<string, string?> settings, string? extraEnvironment)
        {
            int port = FreePort();
            string address = $"http://127.0.0.1:{port}";
            string[] words = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var start = new ProcessStartInfo(words[0]) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (string word in words[1..])
            {
                start.ArgumentList.Add(word);
            }

            start.ArgumentList.Add("--urls");
            start.ArgumentList.Add(address);
            foreach ((string key, string? value) in settings)
            {
                start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
            }

            foreach (string pair in (extraEnvironment ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                string[] parts = pair.Split('=', 2);
                start.Environment[parts[0]] = parts.Length > 1 ? parts[1] : "";
            }

            Process process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {command}");
            // Ready when the port answers (a benchmark harness may poll).
            var deadline = Stopwatch.StartNew();
            while (true)
            {
                try
                {
                    using var probe = new TcpClient();
                    await probe.ConnectAsync(IPAddress.Loopback, port);
                    break;
                }
                catch (SocketException) when (deadline.Elapsed < TimeSpan.FromSeconds(60) && !process.HasExited)
                {
                    await Task.Delay(10);
                }
            }

            return new ChildProcess(process, address);
        }

        /// <summary>Sends a line on stdin and returns the first answer line starting with <paramref name="prefix"/> (without it).</summary>
        public async Task<string?> AskAsync(string command, string prefix)
        {
            await _ask.WaitAsync();
            try
            {
                var answer = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
                _pending = new PendingAnswer(prefix, answer);
                await _process.StandardInput.WriteLineAsync(command);
                await _process.StandardInput.FlushAsync();
                return await answer.Task.WaitAsync(TimeSpan.FromSeconds(30));
            }
            catch (TimeoutException)
            {
                // An external provider (PROVIDER_COMMAND) does not answer: there is no such figure for it.
                return null;
            }
            finally
            {
                _pending = null;
                _ask.Release();
            }
        }

        // Every line the child writes is read (a full pipe would stall it); an awaited answer is picked out.
        private void OnOutput(object sender, DataReceivedEventArgs e)
        {
            if (e.Data is { } line && _pending is { } pending && line.StartsWith(pending.Prefix, StringComparison.Ordinal))
            {
                pending.Answer.TrySetResult(line[pending.Prefix.Length..]);
            }
        }

        private sealed record PendingAnswer(string Prefix, TaskCompletionSource<string> Answer);

        public async ValueTask DisposeAsync()
        {
            _process.StandardInput.Close();
            if (!_process.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                _process.Kill(entireProcessTree: true);
            }

            await _process.WaitForExitAsync();
            _process.Dispose();
            _ask.Dispose();
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }

    /// <summary>
    /// A closed-loop load with a new token per request, timing each request: requests per second, the share of 503s,
    /// and p50 and p99 of the served requests alone (wrk's percentiles mix 503s in).
    /// </summary>
    internal static class SlowLoad
    {
        public static async Task<string> RunAsync(string url, string certHeader, int seconds, int connections)
        {
            bool honourRetryAfter = Environment.GetEnvironmentVariable("HONOUR_RETRY_AFTER") != "0";
            using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = connections, UseProxy = false };
            using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
            var served = new ConcurrentBag<double>();
            int shed = 0, other = 0;
            long counter = 0;
            var clock = Stopwatch.StartNew();
            TimeSpan end = TimeSpan.FromSeconds(seconds);
            await Task.WhenAll(Enumerable.Range(0, connections).Select(async _ =>
            {
                var mine = new List<double>();
                while (clock.Elapsed < end)
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, url);
                    request.Headers.TryAddWithoutValidation("Authorization", "Bearer slow" + Interlocked.Increment(ref counter) + "x" + Environment.TickCount64);
                    request.Headers.TryAddWithoutValidation("X-OE-CLIENT-CERT", certHeader);
                    long started = Stopwatch.GetTimestamp();
                    using HttpResponseMessage response = await client.SendAsync(request);
                    await response.Content.CopyToAsync(Stream.Null);
                    double ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    switch ((int)response.StatusCode)
                    {
                        case 200: mine.Add(ms); break;
                        case 503:
                            Interlocked.Increment(ref shed);
                            // A well-behaved consumer (OpenEnergy.Fapi.Client among them) comes back after Retry-After.
                            if (honourRetryAfter && response.Headers.RetryAfter?.Delta is { } after)
                            {
                                TimeSpan left = end - clock.Elapsed;
                                await Task.Delay(after < left ? after : left > TimeSpan.Zero ? left : TimeSpan.Zero);
                            }

                            break;
                        default: Interlocked.Increment(ref other); break;
                    }
                }

                foreach (double ms in mine)
                {
                    served.Add(ms);
                }
            }));
            double elapsed = clock.Elapsed.TotalSeconds;
            double[] sorted = [.. served.Order()];
            int total = sorted.Length + shed + other;
            return string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"requests/s {total / elapsed:0}  served/s {sorted.Length / elapsed:0}  served p50 {Percentile(sorted, 0.50):0.0} ms  p99 {Percentile(sorted, 0.99):0.0} ms  503 {100.0 * shed / Math.Max(1, total):0.0}%  other {other}");
        }

        private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
    }
}
