// Load-test host for benchmarks/load/run.sh: the sample provider in forwarded-header mode against an
// in-process fake authorization server, plus a bare Kestrel app serving the same bytes without any
// validation (the baseline), all on loopback. Prints what the load script needs, then runs until stdin closes.
// With TOKEN_FORMAT=jwt the measured provider validates JWT access tokens locally (AccessTokenFormat=Jwt), and a
// pool of JWTs minted in advance (JWT_POOL, a file) stands in for "a new token per request".
// With FLEET=N (benchmarks/load/fleet.sh) it also starts N more providers, each its own process, sharing the
// Redis named by FLEET_REDIS when set: a fleet behind a load balancer.
using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using OpenEnergy.Fapi.Certificates;
using OpenEnergy.Fapi.SampleProvider;
using OpenEnergy.Fapi.Testing;

if (args.Contains("--provider-only"))
{
    // A fleet member: every setting comes from the environment (OpenEnergy__Fapi__…), as in a deployment.
    await using SampleProviderApplication member = await SampleProviderApplication.CreateAsync([]);
    await member.StartAsync();
    Console.WriteLine($"PROVIDER={member.Addresses.First()}");
    await Console.In.ReadToEndAsync();
    await member.App.StopAsync();
    return;
}

string work = Path.Combine(Path.GetTempPath(), "oe-fapi-load-" + Environment.ProcessId);
string data = Path.Combine(work, "data");
Directory.CreateDirectory(data);
string row = "2026-11-01T00:00:00Z,MTR-0001,0.412\n";
string small = "timestamp,meter_id,consumption_kwh\n" + string.Concat(Enumerable.Repeat(row, 2048 / row.Length));
await File.WriteAllTextAsync(Path.Combine(data, "small.csv"), small);
await File.WriteAllTextAsync(Path.Combine(data, "large.csv"), "timestamp,meter_id,consumption_kwh\n" + string.Concat(Enumerable.Repeat(row, 1024 * 1024 / row.Length)));

using TestCertificateAuthority directory = TestCertificateAuthority.Create("Load Test Directory");
X509Certificate2 consumer = directory.IssueClientCertificate("load-consumer", "org-load", algorithm: TestKeyAlgorithm.Rsa2048);
await using FakeAuthorizationServer server = await FakeAuthorizationServer.StartAsync(new FakeAuthorizationServerOptions { Authority = directory, RecordIntrospections = false });
// Every token introspects as active and bound to the consumer: a new token per request is a cache miss, not a refusal.
server.UnknownTokenResponse = FakeIntrospectionResponse.Active(CertificateThumbprint.FromCertificate(consumer), "energy:read", lifetime: TimeSpan.FromHours(2));
// AS_LATENCY_MS: each introspection answer waits this long, as a server across a network would.
if (int.TryParse(Environment.GetEnvironmentVariable("AS_LATENCY_MS"), out int latency) && latency > 0)
{
    server.UnknownTokenResponse = FakeIntrospectionResponse.Delayed(TimeSpan.FromMilliseconds(latency), server.UnknownTokenResponse);
}
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
    ["OpenEnergy:Fapi:MaxQueuedIntrospections"] = "100000",
    // One consumer sends every token here: its share of authorization-server calls must not be what is measured.
    ["OpenEnergy:Fapi:MaxConcurrentIntrospectionsPerClient"] = "100000",
    ["Provider:RequiredScope"] = "energy:read",
    ["Provider:DataDirectory"] = data,
    ["Provider:PublicDirectory"] = "",
    ["Kestrel:Endpoints:Http:Url"] = "http://127.0.0.1:0",
    ["Logging:LogLevel:Default"] = "Warning",
    ["Logging:LogLevel:OpenEnergy.Fapi"] = "Warning",
};
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

await using SampleProviderApplication provider = await SampleProviderApplication.CreateAsync([], builder => builder.Configuration.AddInMemoryCollection(providerSettings));
await provider.StartAsync();

// The fleet: more providers, separate processes, with the same settings (and the shared cache when asked).
var fleet = new List<Process>();
var fleetAddresses = new List<string>();
int fleetSize = int.TryParse(Environment.GetEnvironmentVariable("FLEET"), out int n) ? n : 0;
string? fleetRedis = Environment.GetEnvironmentVariable("FLEET_REDIS");
for (int i = 0; i < fleetSize; i++)
{
    var start = new ProcessStartInfo(Environment.ProcessPath!, "--provider-only") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
    foreach ((string key, string? value) in settings)
    {
        start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
    }

    if (!string.IsNullOrEmpty(fleetRedis))
    {
        start.Environment["OpenEnergy__Fapi__SharedCache__Redis"] = fleetRedis;
        start.Environment["OpenEnergy__Fapi__SharedCache__IntegrityKey"] = Environment.GetEnvironmentVariable("FLEET_INTEGRITY_KEY");
    }

    Process member = Process.Start(start)!;
    fleet.Add(member);
    string? line;
    while ((line = await member.StandardOutput.ReadLineAsync()) is not null && !line.StartsWith("PROVIDER=", StringComparison.Ordinal))
    {
    }

    fleetAddresses.Add(line?["PROVIDER=".Length..] ?? throw new InvalidOperationException("a fleet member did not start"));
}

byte[] smallBytes = await File.ReadAllBytesAsync(Path.Combine(data, "small.csv"));
WebApplicationBuilder bareBuilder = WebApplication.CreateSlimBuilder();
bareBuilder.Logging.ClearProviders();
bareBuilder.WebHost.UseUrls("http://127.0.0.1:0");
WebApplication bare = bareBuilder.Build();
bare.MapGet("/small", () => Results.Bytes(smallBytes, "text/csv; charset=utf-8"));
bare.MapGet("/introspections", () => server.IntrospectionCount.ToString(System.Globalization.CultureInfo.InvariantCulture));
// What the process keeps after a full collection, beside the peak RSS (which includes the GC's headroom).
bare.MapGet("/retained", () =>
{
    GC.Collect();
    GC.WaitForPendingFinalizers();
    GC.Collect();
    return (GC.GetTotalMemory(forceFullCollection: true) / (1024 * 1024)).ToString(System.Globalization.CultureInfo.InvariantCulture);
});
await bare.StartAsync();

Console.WriteLine($"PROVIDER={provider.Addresses.First()}");
Console.WriteLine($"BARE={bare.Urls.First()}");
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

Console.WriteLine($"CERT_HEADER={Uri.EscapeDataString(consumer.ExportCertificatePem() + "\n")}");
Console.WriteLine($"PID={Environment.ProcessId}");
Console.WriteLine($"FLEET_PROVIDERS={string.Join(' ', fleetAddresses)}");
Console.WriteLine($"FLEET_PIDS={string.Join(' ', fleet.Select(p => p.Id))}");
Console.WriteLine("READY");

await Console.In.ReadToEndAsync();
foreach (Process member in fleet)
{
    member.StandardInput.Close();
    await member.WaitForExitAsync();
}

await bare.StopAsync();
await provider.App.StopAsync();
Directory.Delete(work, recursive: true);
