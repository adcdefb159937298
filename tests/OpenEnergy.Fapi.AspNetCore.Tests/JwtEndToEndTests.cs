using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using OpenEnergy.Fapi.AspNetCore.Tests.Support;
using OpenEnergy.Fapi.Certificates;
using OpenEnergy.Fapi.Configuration;
using OpenEnergy.Fapi.Testing;
using static OpenEnergy.Fapi.AspNetCore.Tests.Support.TestDirectory;

namespace OpenEnergy.Fapi.AspNetCore.Tests;

/// <summary>
/// JWT access tokens and signed introspection through ASP.NET Core over real sockets, with Kestrel's own mutual TLS
/// and with a forwarded certificate: endpoints, a middleware branch and the authentication handler.
/// </summary>
[TestFixture(CertificateIntake.DirectTls)]
[TestFixture(CertificateIntake.ForwardedHeader)]
internal sealed class JwtEndToEndTests : ProviderFixture
{
    private readonly CertificateIntake _intake;
    private ProviderHost _jwt = null!;
    private ProviderHost _auto = null!;
    private ProviderHost _signed = null!;

    public JwtEndToEndTests(CertificateIntake intake) => _intake = intake;

    [OneTimeSetUp]
    public async Task StartHosts()
    {
        _jwt = await StartHostAsync(_intake, o =>
        {
            o.AccessTokenFormat = AccessTokenFormat.Jwt;
            o.Audience = FakeAuthorizationServer.DefaultJwtAudience;
        });
        _auto = await StartHostAsync(_intake, o =>
        {
            o.AccessTokenFormat = AccessTokenFormat.Auto;
            o.Audience = FakeAuthorizationServer.DefaultJwtAudience;
        });
        _signed = await StartHostAsync(_intake, o => o.IntrospectionResponseFormat = IntrospectionResponseFormat.Jwt);
    }

    [SetUp]
    public void ResetServer()
    {
        Server.JwksResponse = null;
        Server.ResetCounters();
    }

    private static async Task<HttpResponseMessage> GetAsync(ProviderHost host, string path, X509Certificate2 certificate, string token)
    {
        using HttpClient client = host.Client(certificate);
        using HttpRequestMessage request = ProviderHost.Get(path, token);
        return await client.SendAsync(request);
    }

    private string Jwt(string algorithm = "PS256", Action<JsonObject>? claims = null, Action<JsonObject>? header = null, FakeJwtDefect defect = FakeJwtDefect.None)
        => Server.IssueJwt(A, "s1", clientId: "client-a", algorithm: algorithm, customizeClaims: claims, customizeHeader: header, defect: defect);

    [TestCase("PS256", "/v1/data")]
    [TestCase("ES256", "/v1/data")]
    [TestCase("PS256", "/mw")]
    [TestCase("ES256", "/authz")]
    public async Task GoodJwt_Is200_WithoutAnIntrospection(string algorithm, string path)
    {
        // Open Energy's own members travel in a JWT as claims (/authz shows organisation_id).
        using HttpResponseMessage response = await GetAsync(_jwt, path, A, Jwt(algorithm, claims: c => c["organisation_id"] = "org-a"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain(path == "/authz" ? "authz:org-a" : "client-a"));
        ResponseAssert.FapiHeaders(response);
        Assert.That(Server.IntrospectionCount, Is.Zero);
    }

    private static IEnumerable<TestCaseData> BadTokens()
    {
        foreach (FakeJwtDefect defect in Enum.GetValues<FakeJwtDefect>().Where(d => d != FakeJwtDefect.None))
        {
            yield return new TestCaseData(defect, null, null).SetArgDisplayNames(defect.ToString());
        }

        yield return new TestCaseData(FakeJwtDefect.None, (Action<JsonObject>)(h => h["typ"] = "JWT"), null).SetArgDisplayNames("typ JWT");
        yield return new TestCaseData(FakeJwtDefect.None, null, (Action<JsonObject>)(c => c["iss"] = "https://other-issuer.example")).SetArgDisplayNames("another iss");
        yield return new TestCaseData(FakeJwtDefect.None, null, (Action<JsonObject>)(c => c["aud"] = "https://other-provider.example")).SetArgDisplayNames("another aud");
        yield return new TestCaseData(FakeJwtDefect.None, null, (Action<JsonObject>)(c => c["exp"] = DateTimeOffset.UtcNow.AddSeconds(-1).ToUnixTimeSeconds())).SetArgDisplayNames("expired");
        yield return new TestCaseData(FakeJwtDefect.None, null, (Action<JsonObject>)(c => c["nbf"] = DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds())).SetArgDisplayNames("nbf ahead");
        yield return new TestCaseData(FakeJwtDefect.None, null, (Action<JsonObject>)(c => c.Remove("exp"))).SetArgDisplayNames("no exp");
        yield return new TestCaseData(FakeJwtDefect.None, null, (Action<JsonObject>)(c => c.Remove("cnf"))).SetArgDisplayNames("no cnf");
    }

    [TestCaseSource(nameof(BadTokens))]
    public async Task BadJwt_Is401InvalidToken(FakeJwtDefect defect, Action<JsonObject>? header, Action<JsonObject>? claims)
    {
        using HttpResponseMessage response = await GetAsync(_jwt, "/v1/data", A, Jwt(header: header, claims: claims, defect: defect));

        await ResponseAssert.RefusedAsync(response, HttpStatusCode.Unauthorized, "invalid_token");
        Assert.That(Server.IntrospectionCount, Is.Zero);
    }

    [Test]
    public async Task JwtBoundToA_PresentedWithB_Is401()
    {
        using HttpResponseMessage response = await GetAsync(_jwt, "/v1/data", B, Jwt());

        await ResponseAssert.RefusedAsync(response, HttpStatusCode.Unauthorized, "invalid_token");
    }

    [Test]
    public async Task KeySetOutage_WithNoKeyHeld_Is503WithRetryAfter()
    {
        Server.JwksResponse = FakeIntrospectionResponse.Status(500);
        ProviderHost fresh = await StartHostAsync(_intake, o =>
        {
            o.AccessTokenFormat = AccessTokenFormat.Jwt;
            o.Audience = FakeAuthorizationServer.DefaultJwtAudience;
        });

        using HttpResponseMessage response = await GetAsync(fresh, "/v1/data", A, Jwt());

        await ResponseAssert.RefusedAsync(response, HttpStatusCode.ServiceUnavailable, null);
        Assert.That(response.Headers.RetryAfter!.Delta, Is.EqualTo(TimeSpan.FromSeconds(5)));
    }

    [Test]
    public async Task Auto_ValidatesJwtsLocally_AndIntrospectsOpaqueTokens()
    {
        using HttpResponseMessage jwt = await GetAsync(_auto, "/v1/data", A, Jwt());
        Assert.That(Server.IntrospectionCount, Is.Zero);
        using HttpResponseMessage opaque = await GetAsync(_auto, "/v1/data", A, TokenFor(A));

        Assert.That(jwt.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(opaque.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(Server.IntrospectionCount, Is.EqualTo(1));
    }

    [Test]
    public async Task SignedIntrospection_Good_Is200()
    {
        using HttpResponseMessage response = await GetAsync(_signed, "/v1/data", A, TokenFor(A));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(Server.Introspections.Single().Accept, Is.EqualTo("application/token-introspection+jwt"));
    }

    [Test]
    public async Task SignedIntrospection_EnvelopeForAnotherAudience_Is503()
    {
        string token = FakeAuthorizationServer.NewToken();
        Server.SetResponse(token, FakeIntrospectionResponse.SignedEnvelope(FakeIntrospectionResponse.Active(CertificateThumbprint.FromCertificate(A), "s1"), customizeClaims: c => c["aud"] = "someone-else"));

        using HttpResponseMessage response = await GetAsync(_signed, "/v1/data", A, token);

        await ResponseAssert.RefusedAsync(response, HttpStatusCode.ServiceUnavailable, null);
    }

    [Test]
    public async Task SignedIntrospection_InactiveInsideTheEnvelope_Is401()
    {
        string token = FakeAuthorizationServer.NewToken();
        Server.SetResponse(token, FakeIntrospectionResponse.SignedEnvelope(FakeIntrospectionResponse.Inactive(), customizeClaims: c => c["active"] = true));

        using HttpResponseMessage response = await GetAsync(_signed, "/v1/data", A, token);

        await ResponseAssert.RefusedAsync(response, HttpStatusCode.Unauthorized, "invalid_token");
    }
}
