using System.Text;
using Microsoft.Extensions.Options;
using OpenEnergy.Fapi.Caching;
using OpenEnergy.Fapi.Configuration;
using OpenEnergy.Fapi.Diagnostics;
using OpenEnergy.Fapi.Introspection;

namespace OpenEnergy.Fapi.Benchmarks;

/// <summary>
/// The memory one cached introspection answer keeps alive: fills the first-level cache with answers parsed from
/// their own bytes (as each call's answer is) and divides the heap growth after a full collection by the count.
/// BenchmarkDotNet measures what is allocated; this measures what is retained. Run with
/// <c>dotnet run -c Release --project benchmarks/OpenEnergy.Fapi.Benchmarks -- footprint</c>.
/// </summary>
internal static class CacheFootprint
{
    private const int Entries = 100_000;

    public static void Run()
    {
        byte[] prefix = TokenHash.CreatePrefix("https://issuer.example", "provider-client");
        var options = Options.Create(new FapiOptions { CacheSizeLimit = Entries });
        using var metrics = new FapiMetrics(null);
        using var cache = new IntrospectionCache(options, TimeProvider.System, metrics);

        // A typical Open Energy answer, the load harness's: the same consumer for every token.
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        string body = $$$"""
            {"active":true,"client_id":"consumer-client","organisation_id":"org-consumer-client","organisation_name":"Organisation of consumer-client",
             "software_roles":["EDSP_L1"],"iat":{{{now}}},"exp":{{{now + 7200}}},"iss":"https://issuer.example","token_type":"Bearer",
             "additional_software_metadata":{"metadata":{"something":"something else"}},"scope":"energy:read",
             "cnf":{"x5t#S256":"x6aNsDLPcVtbpa-8hTdmaN3zZ_4XLz4Vkxg8kD1ibNU"}}
            """;
        byte[] utf8 = Encoding.UTF8.GetBytes(body);

        Fill(cache, prefix, utf8, 0, 1_000); // warm every code path and static before measuring
        long before = Settle();
        Fill(cache, prefix, utf8, 1_000, Entries);
        long after = Settle();
        GC.KeepAlive(cache);
        Console.WriteLine($"cached entries: {cache.Count:N0}");
        Console.WriteLine($"retained per entry: {(after - before) / (double)(Entries - 1_000):N0} bytes");
    }

    private static void Fill(IntrospectionCache cache, byte[] prefix, byte[] body, int from, int to)
    {
        for (int i = from; i < to; i++)
        {
            IntrospectionOutcome outcome = IntrospectionResponseParser.Parse(body);
            cache.Set(TokenHash.Compute(prefix, "token-" + i), outcome.Result!);
        }
    }

    private static long Settle()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
