using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Options;
using OpenEnergy.Fapi.SampleProvider.Tests.Support;
using OpenEnergy.Fapi.Testing;
using OpenEnergy.Fapi.Tests.Shared;
using static OpenEnergy.Fapi.SampleProvider.Tests.Support.SampleHost;

namespace OpenEnergy.Fapi.SampleProvider.Tests;

/// <summary>
/// Two sample instances behind one authorization server, sharing a real Redis once
/// <c>OpenEnergy:Fapi:SharedCache:Redis</c> is set: the fleet asks about a token once.
/// </summary>
internal sealed class SampleFleetTests
{
    private static readonly string IntegrityKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private RedisServer _redis = null!;
    private FakeAuthorizationServer _authorizationServer = null!;
    private SampleHost _first = null!;
    private SampleHost _second = null!;

    [OneTimeSetUp]
    public async Task StartFleet()
    {
        _redis = await RedisServer.StartAsync();
        _authorizationServer = await FakeAuthorizationServer.StartAsync(new FakeAuthorizationServerOptions { Authority = SampleHost.Directory });
        _first = await StartInstanceAsync();
        _second = await StartInstanceAsync();
    }

    [OneTimeTearDown]
    public async Task StopFleet()
    {
        await _first.DisposeAsync();
        await _second.DisposeAsync();
        await _authorizationServer.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [SetUp]
    public void ResetCounters() => _authorizationServer.ResetCounters();

    private Task<SampleHost> StartInstanceAsync() => SampleHost.StartAsync(
        Intake.Forwarded,
        configure: b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OpenEnergy:Fapi:SharedCache:Redis"] = _redis.ConfigurationString,
            ["OpenEnergy:Fapi:SharedCache:IntegrityKey"] = IntegrityKey,
        }),
        sharedAuthorizationServer: _authorizationServer);

    private static async Task<HttpResponseMessage> GetAsync(SampleHost host, string token, System.Security.Cryptography.X509Certificates.X509Certificate2 certificate)
    {
        using HttpClient client = host.Client(certificate);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/example");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await client.SendAsync(request);
    }

    private static MetricCollector<long> Collect(SampleHost host, string instrument)
        => new(host.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), FapiDefaults.MeterName, instrument);

    private async Task<string> TokenServedByTheFirstAsync()
    {
        string token = _first.TokenFor(A);
        using MetricCollector<long> writes = Collect(_first, "openenergy.fapi.shared_cache.writes");
        using HttpResponseMessage response = await GetAsync(_first, token, A);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await writes.WaitForMeasurementsAsync(1, TimeSpan.FromSeconds(30));
        return token;
    }

    [Test]
    public async Task TokenServedByOneInstance_IsServedByTheOther_WithoutAskingTheAuthorizationServerAgain()
    {
        string token = await TokenServedByTheFirstAsync();

        using HttpResponseMessage response = await GetAsync(_second, token, A);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.Not.Empty);
        Assert.That(_authorizationServer.IntrospectionCount, Is.EqualTo(1));
    }

    [Test]
    public async Task TokenBoundToA_PresentedWithB_IsRefusedByTheOtherInstance()
    {
        string token = await TokenServedByTheFirstAsync();

        using HttpResponseMessage response = await GetAsync(_second, token, B);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(response.Headers.WwwAuthenticate.ToString(), Does.Contain("error=\"invalid_token\""));
    }

    [Test]
    public async Task SampleWithoutARedisSetting_HasNoSharedLevel()
    {
        await using SampleHost alone = await SampleHost.StartAsync(Intake.Forwarded);

        Assert.That(alone.Services.GetRequiredService<IOptions<OpenEnergy.Fapi.Configuration.FapiOptions>>().Value.SharedCache.Redis, Is.Null);
        using MetricCollector<long> misses = Collect(alone, "openenergy.fapi.cache_misses");
        using HttpResponseMessage response = await GetAsync(alone, alone.TokenFor(A), A);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(misses.GetMeasurementSnapshot().Select(m => m.Tags["level"]), Is.EqualTo(new[] { "l1" }));
    }

    [Test]
    public void SampleWithRedisButNoIntegrityKey_RefusesToStart_ShowingHowToMakeOne()
    {
        var failure = Assert.ThrowsAsync<OptionsValidationException>(async () => await SampleHost.StartAsync(
            Intake.Forwarded,
            configure: b => b.Configuration["OpenEnergy:Fapi:SharedCache:Redis"] = _redis.ConfigurationString));

        Assert.That(failure!.Message, Does.Contain("OpenEnergy:Fapi:SharedCache:IntegrityKey is required").And.Contain("openssl rand -base64 32"));
    }
}
