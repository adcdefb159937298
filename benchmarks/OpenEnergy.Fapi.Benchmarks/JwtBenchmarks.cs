using System.Security.Cryptography.X509Certificates;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;
using OpenEnergy.Fapi.Certificates;
using OpenEnergy.Fapi.Configuration;
using OpenEnergy.Fapi.Testing;
using OpenEnergy.Fapi.Validation;

namespace OpenEnergy.Fapi.Benchmarks;

/// <summary>
/// JWT access tokens (issue 15): the first validation of a token (signature check with PS256 or ES256, claims read,
/// result cached) and a cached repeat, beside an introspection cache hit. The first-validation rows move a clock
/// of their own past <c>CacheDuration</c> before each call, so every call validates the token again.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class JwtBenchmarks
{
    private BenchmarkAuthorizationServer _environment = null!;
    private ServiceProvider _jwtServices = null!;
    private ServiceProvider _firstServices = null!;
    private IFapiValidator _jwt = null!;
    private IFapiValidator _first = null!;
    private SteppingClock _clock = null!;
    private FapiRequest _opaqueRequest;
    private FapiRequest _longOpaqueRequest;
    private FapiRequest _ps256Request;
    private FapiRequest _es256Request;

    [GlobalSetup]
    public async Task Setup()
    {
        _environment = await BenchmarkAuthorizationServer.StartAsync();
        using X509Certificate2 client = _environment.Ca.IssueClientCertificate("c2d2c8d8-0ad9-4c7b-9b1b-6b0e0a7e4b11", "org-8f0e6b2a", algorithm: TestKeyAlgorithm.Rsa2048);
        CertificateThumbprint thumbprint = CertificateThumbprint.FromCertificate(client);
        string[] scopes = ["energy:read"];
        FapiRequest Request(string token) => new() { Authorization = new StringValues("Bearer " + token), ClientCertificate = thumbprint, RequiredScopes = scopes };

        TimeSpan decade = TimeSpan.FromDays(3650);
        _opaqueRequest = Request(_environment.Server.IssueToken(client, "energy:read", lifetime: TimeSpan.FromHours(2)));
        _ps256Request = Request(_environment.Server.IssueJwt(client, "energy:read", lifetime: decade));
        _es256Request = Request(_environment.Server.IssueJwt(client, "energy:read", lifetime: decade, algorithm: "ES256"));

        // An opaque token exactly as long as the PS256 JWT: what a hit costs for a token of that length.
        string jwt = _ps256Request.Authorization.ToString()["Bearer ".Length..];
        string longOpaque = (FakeAuthorizationServer.NewToken() + new string('x', jwt.Length))[..jwt.Length];
        _environment.Server.SetResponse(longOpaque, FakeIntrospectionResponse.Active(thumbprint, "energy:read", lifetime: TimeSpan.FromHours(2)));
        _longOpaqueRequest = Request(longOpaque);

        void Jwt(FapiOptions o)
        {
            _environment.Configure(o);
            o.AccessTokenFormat = AccessTokenFormat.Jwt;
            o.Audience = FakeAuthorizationServer.DefaultJwtAudience;
            // The stepping clock runs years ahead: no scheduled key-set refresh in the middle of a measurement.
            o.JwksAutomaticRefreshInterval = decade * 2;
        }

        _jwtServices = new ServiceCollection().AddOpenEnergyFapi(Jwt).BuildServiceProvider();
        _jwt = _jwtServices.GetRequiredService<IFapiValidator>();
        _clock = new SteppingClock();
        _firstServices = new ServiceCollection().AddSingleton<TimeProvider>(_clock).AddOpenEnergyFapi(Jwt).BuildServiceProvider();
        _first = _firstServices.GetRequiredService<IFapiValidator>();

        foreach ((IFapiValidator validator, FapiRequest request) in new[] { (_environment.Validator, _opaqueRequest), (_environment.Validator, _longOpaqueRequest), (_jwt, _ps256Request), (_jwt, _es256Request), (_first, _ps256Request), (_first, _es256Request) })
        {
            FapiVerdict primed = await validator.ValidateAsync(request);
            if (!primed.Succeeded)
            {
                throw new InvalidOperationException("priming failed: " + primed.Failure.Reason);
            }
        }
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _jwtServices.DisposeAsync();
        await _firstServices.DisposeAsync();
        await _environment.DisposeAsync();
    }

    [Benchmark(Baseline = true, Description = "introspection cache hit (opaque token)")]
    public ValueTask<FapiVerdict> IntrospectionCacheHit() => _environment.Validator.ValidateAsync(_opaqueRequest);

    [Benchmark(Description = "introspection cache hit (opaque token as long as the JWT)")]
    public ValueTask<FapiVerdict> LongIntrospectionCacheHit() => _environment.Validator.ValidateAsync(_longOpaqueRequest);

    [Benchmark(Description = "JWT cached repeat (PS256)")]
    public ValueTask<FapiVerdict> JwtCachedRepeat() => _jwt.ValidateAsync(_ps256Request);

    [Benchmark(Description = "JWT first validation (PS256)")]
    public ValueTask<FapiVerdict> JwtFirstValidationPs256()
    {
        _clock.Step();
        return _first.ValidateAsync(_ps256Request);
    }

    [Benchmark(Description = "JWT first validation (ES256)")]
    public ValueTask<FapiVerdict> JwtFirstValidationEs256()
    {
        _clock.Step();
        return _first.ValidateAsync(_es256Request);
    }

    /// <summary>A clock that moves past the cache's lifetime at each step, so every validation is a first one.</summary>
    private sealed class SteppingClock : TimeProvider
    {
        private DateTimeOffset _now = DateTimeOffset.UtcNow;

        public void Step() => _now += TimeSpan.FromSeconds(61);

        public override DateTimeOffset GetUtcNow() => _now;
    }
}
