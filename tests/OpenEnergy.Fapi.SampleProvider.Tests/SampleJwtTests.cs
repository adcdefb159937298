using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpenEnergy.Fapi.Certificates;
using OpenEnergy.Fapi.SampleProvider.Tests.Support;
using OpenEnergy.Fapi.Testing;
using static OpenEnergy.Fapi.SampleProvider.Tests.Support.SampleHost;

namespace OpenEnergy.Fapi.SampleProvider.Tests;

/// <summary>
/// The sample validating JWT access tokens from configuration (<c>OpenEnergy:Fapi:AccessTokenFormat</c>), and asking
/// for signed introspection answers, end to end over real sockets with both certificate intakes.
/// </summary>
[TestFixture(Intake.DirectTls)]
[TestFixture(Intake.Forwarded)]
internal sealed class SampleJwtTests
{
    private readonly Intake _intake;
    private FakeAuthorizationServer _server = null!;
    private SampleHost _jwt = null!;

    public SampleJwtTests(Intake intake) => _intake = intake;

    [OneTimeSetUp]
    public async Task Start()
    {
        _server = await FakeAuthorizationServer.StartAsync(new FakeAuthorizationServerOptions { Authority = SampleHost.Directory });
        _jwt = await StartAsync(("AccessTokenFormat", "Jwt"));
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _jwt.DisposeAsync();
        await _server.DisposeAsync();
    }

    [SetUp]
    public void ResetServer()
    {
        _server.JwksResponse = null;
        _server.ResetCounters();
    }

    private Task<SampleHost> StartAsync(params (string Key, string Value)[] fapi)
        => SampleHost.StartAsync(_intake, sharedAuthorizationServer: _server, configure: b =>
        {
            b.Configuration["OpenEnergy:Fapi:Audience"] = FakeAuthorizationServer.DefaultJwtAudience;
            foreach ((string key, string value) in fapi)
            {
                b.Configuration["OpenEnergy:Fapi:" + key] = value;
            }
        });

    private static async Task<HttpResponseMessage> GetAsync(SampleHost host, X509Certificate2 certificate, string token, string path = "/example")
    {
        using HttpClient client = host.Client(certificate);
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await client.SendAsync(request);
    }

    private string Jwt(string algorithm = "PS256", Action<JsonObject>? claims = null, Action<JsonObject>? header = null, FakeJwtDefect defect = FakeJwtDefect.None)
        => _server.IssueJwt(A, "energy:read", "client-a", algorithm: algorithm, customizeClaims: claims, customizeHeader: header, defect: defect);

    private static async Task AssertInvalidTokenAsync(HttpResponseMessage response)
    {
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), await response.Content.ReadAsStringAsync());
        Assert.That(response.Headers.WwwAuthenticate.ToString(), Does.Contain("error=\"invalid_token\""));
        Assert.That(response.Headers.GetValues("x-fapi-interaction-id").Single(), Is.Not.Empty);
    }

    [TestCase("PS256")]
    [TestCase("ES256")]
    public async Task GoodJwt_ServesTheCsv_WithoutAnIntrospection(string algorithm)
    {
        using HttpResponseMessage response = await GetAsync(_jwt, A, Jwt(algorithm));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/csv"));
        Assert.That(_server.IntrospectionCount, Is.Zero);
    }

    private static IEnumerable<TestCaseData> BadTokens()
    {
        foreach (FakeJwtDefect defect in Enum.GetValues<FakeJwtDefect>().Where(d => d != FakeJwtDefect.None))
        {
            yield return new TestCaseData(defect, null, null).SetArgDisplayNames(defect.ToString());
        }

        yield return new TestCaseData(FakeJwtDefect.None, (Action<JsonObject>)(h => h["typ"] = "JWT"), null).SetArgDisplayNames("typ JWT");
        yield return new TestCaseData(FakeJwtDefect.None, (Action<JsonObject>)(h => h.Remove("kid")), null).SetArgDisplayNames("no kid");
        yield return new TestCaseData(FakeJwtDefect.None, null, (Action<JsonObject>)(c => c["iss"] = "https://other-issuer.example")).SetArgDisplayNames("another iss");
        yield return new TestCaseData(FakeJwtDefect.None, null, (Action<JsonObject>)(c => c["aud"] = "https://other-provider.example")).SetArgDisplayNames("another aud");
        yield return new TestCaseData(FakeJwtDefect.None, null, (Action<JsonObject>)(c => c["exp"] = DateTimeOffset.UtcNow.AddSeconds(-1).ToUnixTimeSeconds())).SetArgDisplayNames("expired");
        yield return new TestCaseData(FakeJwtDefect.None, null, (Action<JsonObject>)(c => c["nbf"] = DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds())).SetArgDisplayNames("nbf ahead beyond the skew");
        foreach (string claim in new[] { "iss", "exp", "aud", "sub", "client_id", "iat", "jti", "cnf" })
        {
            yield return new TestCaseData(FakeJwtDefect.None, null, (Action<JsonObject>)(c => c.Remove(claim))).SetArgDisplayNames("no " + claim);
        }
    }

    [TestCaseSource(nameof(BadTokens))]
    public async Task BadJwt_Is401InvalidToken(FakeJwtDefect defect, Action<JsonObject>? header, Action<JsonObject>? claims)
    {
        using HttpResponseMessage response = await GetAsync(_jwt, A, Jwt(header: header, claims: claims, defect: defect));

        await AssertInvalidTokenAsync(response);
        Assert.That(_server.IntrospectionCount, Is.Zero);
    }

    [Test]
    public async Task OpaqueToken_Is401_WhenEveryTokenMustBeAJwt()
    {
        await AssertInvalidTokenAsync(await GetAsync(_jwt, A, _server.IssueToken(A, "energy:read")));
        Assert.That(_server.IntrospectionCount, Is.Zero);
    }

    [Test]
    public async Task JwtBoundToA_PresentedWithB_Is401()
    {
        await AssertInvalidTokenAsync(await GetAsync(_jwt, B, Jwt()));
    }

    [Test]
    public async Task JwtWithoutTheRequiredScope_Is403()
    {
        using HttpResponseMessage response = await GetAsync(_jwt, A, _server.IssueJwt(A, "other:scope", "client-a"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(response.Headers.WwwAuthenticate.ToString(), Does.Contain("error=\"insufficient_scope\""));
    }

    [Test]
    public async Task FiftyInventedKeyIds_CostNoFetchWithinTheRefreshInterval()
    {
        await using SampleHost host = await StartAsync(("AccessTokenFormat", "Jwt"), ("JwksRefreshInterval", "01:00:00"));
        using (HttpResponseMessage first = await GetAsync(host, A, Jwt()))
        {
            Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        // 50 invented key ids at once, within an hour of the first fetch: no refresh at all.
        string[] invented = [.. Enumerable.Range(0, 50).Select(i => Jwt(header: h => h["kid"] = "invented-" + i))];
        HttpResponseMessage[] refused = await Task.WhenAll(invented.Select(t => GetAsync(host, A, t)));
        foreach (HttpResponseMessage response in refused)
        {
            await AssertInvalidTokenAsync(response);
            response.Dispose();
        }

        Assert.That(_server.JwksCount, Is.EqualTo(1), "only the first fetch within the interval");
    }

    [Test]
    public async Task RotatedKey_IsAccepted_AfterOneFetch_OnceTheRefreshIntervalHasPassed()
    {
        // The provider's clock is a fake one, so the 30 s refresh interval passes without waiting for it.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using SampleHost host = await SampleHost.StartAsync(_intake, sharedAuthorizationServer: _server, configure: b =>
        {
            b.Configuration["OpenEnergy:Fapi:AccessTokenFormat"] = "Jwt";
            b.Configuration["OpenEnergy:Fapi:Audience"] = FakeAuthorizationServer.DefaultJwtAudience;
            b.Services.AddSingleton<TimeProvider>(clock);
        });
        using (HttpResponseMessage first = await GetAsync(host, A, Jwt()))
        {
            Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        _server.RotateSigningKeys();
        string rotated = Jwt();
        await AssertInvalidTokenAsync(await GetAsync(host, A, rotated));
        Assert.That(_server.JwksCount, Is.EqualTo(1), "no fetch within the interval");
        clock.Advance(TimeSpan.FromSeconds(30));
        using HttpResponseMessage accepted = await GetAsync(host, A, rotated);

        Assert.That(accepted.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(_server.JwksCount, Is.EqualTo(2));
    }

    [Test]
    public async Task KeySetOutage_WithNoKeyHeld_Is503WithRetryAfter()
    {
        _server.JwksResponse = FakeIntrospectionResponse.Status(500);
        await using SampleHost host = await StartAsync(("AccessTokenFormat", "Jwt"));

        using HttpResponseMessage response = await GetAsync(host, A, Jwt());

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(response.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(5)));
        Assert.That(response.Headers.GetValues("x-fapi-interaction-id").Single(), Is.Not.Empty);
    }

    [Test]
    public async Task Auto_ValidatesJwtsLocally_AndIntrospectsOpaqueTokens()
    {
        await using SampleHost host = await StartAsync(("AccessTokenFormat", "Auto"));

        using HttpResponseMessage jwt = await GetAsync(host, A, Jwt());
        int afterJwt = _server.IntrospectionCount;
        using HttpResponseMessage opaque = await GetAsync(host, A, _server.IssueToken(A, "energy:read"));
        using HttpResponseMessage unknownKid = await GetAsync(host, A, Jwt(header: h => h["kid"] = "not-published"));

        Assert.That(jwt.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(opaque.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(unknownKid.StatusCode, Is.EqualTo(HttpStatusCode.OK), "introspected: the server vouches for its token");
        Assert.That(afterJwt, Is.Zero);
        Assert.That(_server.IntrospectionCount, Is.EqualTo(2));
    }

    [Test]
    public async Task SignedIntrospection_GoodIs200_EnvelopeFaultIs503_InactiveInsideIs401()
    {
        await using SampleHost host = await StartAsync(("IntrospectionResponseFormat", "Jwt"));
        string wrongAudience = FakeAuthorizationServer.NewToken();
        _server.SetResponse(wrongAudience, FakeIntrospectionResponse.SignedEnvelope(FakeIntrospectionResponse.Active(CertificateThumbprint.FromCertificate(A), "energy:read"), customizeClaims: c => c["aud"] = "someone-else"));
        string inactive = FakeAuthorizationServer.NewToken();
        _server.SetResponse(inactive, FakeIntrospectionResponse.SignedEnvelope(FakeIntrospectionResponse.Inactive(), customizeClaims: c => c["active"] = true));

        using HttpResponseMessage good = await GetAsync(host, A, _server.IssueToken(A, "energy:read"));
        using HttpResponseMessage envelope = await GetAsync(host, A, wrongAudience);
        using HttpResponseMessage inside = await GetAsync(host, A, inactive);

        Assert.That(good.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(envelope.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(envelope.Headers.RetryAfter, Is.Not.Null);
        await AssertInvalidTokenAsync(inside);
        Assert.That(_server.Introspections.Select(i => i.Accept), Is.All.EqualTo("application/token-introspection+jwt"));
    }

    [Test]
    public void JwtWithoutAudience_StopsStartUp_WithTheFix()
    {
        var failure = Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(async () => await SampleHost.StartAsync(
            _intake,
            sharedAuthorizationServer: _server,
            configure: b => b.Configuration["OpenEnergy:Fapi:AccessTokenFormat"] = "Jwt"));

        Assert.That(failure!.Message, Does.Contain("OpenEnergy:Fapi:Audience is required"));
    }
}
