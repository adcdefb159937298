using System.Security.Cryptography.X509Certificates;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;
using OpenEnergy.Fapi.Certificates;
using OpenEnergy.Fapi.Testing;
using OpenEnergy.Fapi.Validation;

namespace OpenEnergy.Fapi.Benchmarks;

/// <summary>A new token per validation: the introspection round trip over mutual TLS to an in-process fake server.</summary>
[MemoryDiagnoser]
public class CacheMissBenchmarks
{
    private FakeAuthorizationServer _server = null!;
    private ServiceProvider _services = null!;
    private IFapiValidator _validator = null!;
    private TestCertificateAuthority _ca = null!;
    private CertificateThumbprint _thumbprint;
    private int _counter;

    [GlobalSetup]
    public async Task Setup()
    {
        _ca = TestCertificateAuthority.Create("Benchmark Directory CA");
        X509Certificate2 client = _ca.IssueClientCertificate("consumer", algorithm: TestKeyAlgorithm.Rsa2048);
        _thumbprint = CertificateThumbprint.FromCertificate(client);
        _server = await FakeAuthorizationServer.StartAsync(new FakeAuthorizationServerOptions { RecordIntrospections = false });
        _server.UnknownTokenResponse = FakeIntrospectionResponse.Active(_thumbprint, "energy:read", lifetime: TimeSpan.FromHours(2));
        _services = new ServiceCollection().AddOpenEnergyFapi(o =>
        {
            o.Issuer = _server.BaseAddress.ToString();
            o.ClientId = "provider";
            o.ClientCertificate = _ca.IssueClientCertificate("provider");
            o.AuthorizationServerCaCertificates.Add(_server.Authority.Certificate);
        }).BuildServiceProvider();
        _validator = _services.GetRequiredService<IFapiValidator>();
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _services.DisposeAsync();
        await _server.DisposeAsync();
        _ca.Dispose();
    }

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
