using System.Security.Cryptography.X509Certificates;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Primitives;
using OpenEnergy.Fapi.Certificates;
using OpenEnergy.Fapi.Testing;
using OpenEnergy.Fapi.Validation;

namespace OpenEnergy.Fapi.Benchmarks;

/// <summary>A new token per validation: the introspection round trip over mutual TLS to an in-process fake server.</summary>
[MemoryDiagnoser]
public class CacheMissBenchmarks
{
    private BenchmarkAuthorizationServer _environment = null!;
    private IFapiValidator _validator = null!;
    private CertificateThumbprint _thumbprint;
    private int _counter;

    [GlobalSetup]
    public async Task Setup()
    {
        _environment = await BenchmarkAuthorizationServer.StartAsync();
        X509Certificate2 client = _environment.Ca.IssueClientCertificate("consumer", algorithm: TestKeyAlgorithm.Rsa2048);
        _thumbprint = CertificateThumbprint.FromCertificate(client);
        _environment.Server.UnknownTokenResponse = FakeIntrospectionResponse.Active(_thumbprint, "energy:read", lifetime: TimeSpan.FromHours(2));
        _validator = _environment.Validator;
    }

    [GlobalCleanup]
    public async Task Cleanup() => await _environment.DisposeAsync();

    [Benchmark(Description = "core cache miss: introspection over mTLS")]
    public async Task<bool> CacheMiss()
    {
        FapiVerdict verdict = await _validator.ValidateAsync(new FapiRequest
        {
            Authorization = new StringValues("Bearer miss" + Interlocked.Increment(ref _counter)),
            ClientCertificate = _thumbprint,
        });
        return verdict.Succeeded;
    }
}
