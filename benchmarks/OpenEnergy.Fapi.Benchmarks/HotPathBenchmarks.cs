using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;
using OpenEnergy.Fapi.Certificates;
using OpenEnergy.Fapi.Testing;
using OpenEnergy.Fapi.Validation;

namespace OpenEnergy.Fapi.Benchmarks;

/// <summary>
/// The hot validation path against its floor (base64-decode the DER and SHA-256 it) and the naive way
/// (an X509Certificate2 per request). Compare the Ratio and Alloc Ratio columns, not absolute times.
/// </summary>
[MemoryDiagnoser]
// This kind of machine is shared and noisy: the minimum and median say more than the mean.
[MinColumn]
[MedianColumn]
public class HotPathBenchmarks
{
    private BenchmarkAuthorizationServer _environment = null!;
    private IFapiValidator _validator = null!;
    private ServiceProvider _sharedServices = null!;
    private ServiceProvider _roleServices = null!;
    private IFapiValidator _roleValidator = null!;
    private FapiRequest _roleRequest;
    private IFapiValidator _sharedValidator = null!;
    private string _pem = null!;
    private string _base64Der = null!;
    private string _escapedPem = null!;
    private byte[] _derBuffer = null!;
    private StringValues _authorization;
    private string[] _scopes = null!;
    private CertificateThumbprint _thumbprint;
    private ForwardedCertificateReader _reader = null!;
    private const int HeaderCopies = 1024;
    private string[] _headerCopies = null!;
    private int _nextCopy;

    [Params("directory-rsa2048", "long-subject-rsa2048")]
    public string Certificate { get; set; } = "";

    [GlobalSetup]
    public async Task Setup()
    {
        _environment = await BenchmarkAuthorizationServer.StartAsync();
        string cn = Certificate == "directory-rsa2048"
            ? "c2d2c8d8-0ad9-4c7b-9b1b-6b0e0a7e4b11"
            : "c2d2c8d8-0ad9-4c7b-9b1b-6b0e0a7e4b11 " + new string('x', 200);
        using X509Certificate2 client = _environment.Ca.IssueClientCertificate(cn, "org-8f0e6b2a-5d1c-4b5a-9a3e-7c1d2e3f4a5b", algorithm: TestKeyAlgorithm.Rsa2048);
        _pem = client.ExportCertificatePem();
        _base64Der = Convert.ToBase64String(client.RawData);
        _escapedPem = Uri.EscapeDataString(_pem + "\n");
        _derBuffer = new byte[client.RawData.Length + 16];
        _headerCopies = Enumerable.Range(0, HeaderCopies).Select(_ => new string(_escapedPem.AsSpan())).ToArray();
        _thumbprint = CertificateThumbprint.FromCertificate(client);

        _validator = _environment.Validator;
        _reader = new ForwardedCertificateReader(Microsoft.Extensions.Options.Options.Create(new OpenEnergy.Fapi.Configuration.FapiOptions { ClientCertificateHeader = "X-OE-CLIENT-CERT" }));
        string token = _environment.Server.IssueToken(client, "energy:read", lifetime: TimeSpan.FromHours(2));
        _authorization = new StringValues("Bearer " + token);
        _scopes = ["energy:read"];
        FapiVerdict primed = await _validator.ValidateAsync(Request(_thumbprint));
        if (!primed.Succeeded)
        {
            throw new InvalidOperationException("priming failed: " + primed.Failure.Reason);
        }

        // The same validator with a shared (second-level) cache configured: a first-level hit must not pay for it.
        _sharedServices = new ServiceCollection()
            .AddOpenEnergyFapi(o =>
            {
                _environment.Configure(o);
                o.SharedCache.IntegrityKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
            })
            .AddSharedCache(new MemoryDistributedCache(Microsoft.Extensions.Options.Options.Create(new MemoryDistributedCacheOptions())))
            .BuildServiceProvider();
        _sharedValidator = _sharedServices.GetRequiredService<IFapiValidator>();

        // IB1: the same hit with the certificate's roles checked against AcceptedRoles and the client id against
        // its URI SAN. The details are parsed once per certificate (as the intake memoizes them), not per request.
        using X509Certificate2 ib1 = _environment.Ca.IssueIb1ClientCertificate(cn, ["https://registry.example/roles/energy-data-reader"], "https://directory.example/apps/benchmark", algorithm: TestKeyAlgorithm.Rsa2048);
        _roleServices = new ServiceCollection()
            .AddOpenEnergyFapi(o =>
            {
                _environment.Configure(o);
                o.Profile = OpenEnergy.Fapi.Configuration.FapiProfile.Ib1;
                o.Audience = FakeAuthorizationServer.DefaultJwtAudience;
                o.AcceptedRoles.Add("https://registry.example/roles/energy-data-reader");
            })
            .BuildServiceProvider();
        _roleValidator = _roleServices.GetRequiredService<IFapiValidator>();
        _roleRequest = new FapiRequest
        {
            Authorization = new StringValues("Bearer " + _environment.Server.IssueToken(ib1, "energy:read", "https://directory.example/apps/benchmark", TimeSpan.FromHours(2))),
            ClientCertificate = CertificateThumbprint.FromCertificate(ib1),
            ClientCertificateDetails = DirectoryCertificate.Parse(ib1.RawData),
            RequiredScopes = _scopes,
        };
        if (!(await _roleValidator.ValidateAsync(_roleRequest)).Succeeded)
        {
            throw new InvalidOperationException("priming the IB1 validator failed");
        }
        if (!(await _sharedValidator.ValidateAsync(Request(_thumbprint))).Succeeded)
        {
            throw new InvalidOperationException("priming the shared-cache validator failed");
        }
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _sharedServices.DisposeAsync();
        await _roleServices.DisposeAsync();
        _reader.Dispose();
        await _environment.DisposeAsync();
    }

    private FapiRequest Request(CertificateThumbprint thumbprint) => new()
    {
        Authorization = _authorization,
        ClientCertificate = thumbprint,
        RequiredScopes = _scopes,
    };

    [Benchmark(Baseline = true, Description = "floor: base64 decode + SHA-256")]
    public CertificateThumbprint Floor()
    {
        Convert.TryFromBase64String(_base64Der, _derBuffer, out int written);
        return CertificateThumbprint.FromDer(_derBuffer.AsSpan(0, written));
    }

    [Benchmark(Description = "naive: X509Certificate2 from PEM + hash")]
    public byte[] Naive()
    {
        using X509Certificate2 certificate = X509Certificate2.CreateFromPem(_pem);
        return certificate.GetCertHash(HashAlgorithmName.SHA256);
    }

    [Benchmark(Description = "decode: percent-encoded PEM header")]
    public CertificateThumbprint DecodeEscapedPem()
    {
        ForwardedCertificateDecoder.TryGetThumbprint(_escapedPem, ForwardedCertificateFormat.Auto, out CertificateThumbprint t);
        return t;
    }

    [Benchmark(Description = "core cache hit: direct TLS (thumbprint known)")]
    public bool CacheHitDirect() => _validator.ValidateAsync(Request(_thumbprint)).Result.Succeeded;

    [Benchmark(Description = "core cache hit: direct TLS, shared cache configured")]
    public bool CacheHitDirectSharedCacheConfigured() => _sharedValidator.ValidateAsync(Request(_thumbprint)).Result.Succeeded;

    [Benchmark(Description = "core cache hit: direct TLS, IB1 roles and client id checked")]
    public bool CacheHitDirectRolesChecked() => _roleValidator.ValidateAsync(_roleRequest).Result.Succeeded;

    [Benchmark(Description = "core cache hit: base64 DER header")]
    public bool CacheHitBase64Header()
    {
        ForwardedCertificateDecoder.TryGetThumbprint(_base64Der, ForwardedCertificateFormat.Base64Der, out CertificateThumbprint t);
        return _validator.ValidateAsync(Request(t)).Result.Succeeded;
    }

    [Benchmark(Description = "core cache hit: percent-encoded PEM header")]
    public bool CacheHitEscapedPem()
    {
        ForwardedCertificateDecoder.TryGetThumbprint(_escapedPem, ForwardedCertificateFormat.Auto, out CertificateThumbprint t);
        return _validator.ValidateAsync(Request(t)).Result.Succeeded;
    }

    [Benchmark(Description = "core cache hit: percent-encoded PEM header, memoized by ForwardedCertificateReader")]
    public bool CacheHitMemoizedHeader()
    {
        // A header as a proxy sends it: a different string with the same characters on every request (made in
        // advance, so that the copy is not counted as the validator's allocation).
        string header = _headerCopies[_nextCopy++ & (HeaderCopies - 1)];
        _reader.TryRead(header, default, System.Net.IPAddress.Loopback, false, out CertificateThumbprint t);
        return _validator.ValidateAsync(Request(t)).Result.Succeeded;
    }
}
