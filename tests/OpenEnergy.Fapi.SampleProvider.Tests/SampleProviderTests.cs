using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using OpenEnergy.Fapi.SampleProvider.Tests.Support;
using OpenEnergy.Fapi.Testing;
using static OpenEnergy.Fapi.SampleProvider.Tests.Support.SampleHost;

namespace OpenEnergy.Fapi.SampleProvider.Tests;

/// <summary>The sample provider end to end, deployed behind a proxy and with Kestrel terminating mutual TLS.</summary>
[TestFixture(Intake.DirectTls)]
[TestFixture(Intake.Forwarded)]
internal sealed class SampleProviderTests
{
    private readonly Intake _intake;
    private SampleHost _host = null!;

    public SampleProviderTests(Intake intake) => _intake = intake;

    [OneTimeSetUp]
    public async Task Start() => _host = await SampleHost.StartAsync(_intake);

    [OneTimeTearDown]
    public async Task Stop() => await _host.DisposeAsync();

    private async Task<HttpResponseMessage> GetAsync(string path, System.Security.Cryptography.X509Certificates.X509Certificate2? certificate, string? token, Action<HttpRequestMessage>? adjust = null)
    {
        using HttpClient client = _host.Client(certificate);
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        adjust?.Invoke(request);
        return await client.SendAsync(request);
    }

    private static void AssertFapiHeaders(HttpResponseMessage response)
    {
        string date = response.Headers.GetValues("Date").Single();
        Assert.That(date, Does.EndWith(" GMT"));
        Assert.That(DateTimeOffset.ParseExact(date, "r", CultureInfo.InvariantCulture), Is.EqualTo(DateTimeOffset.UtcNow).Within(TimeSpan.FromMinutes(5)));
        Assert.That(Guid.TryParseExact(response.Headers.GetValues("x-fapi-interaction-id").Single(), "D", out _), Is.True);
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response, HttpStatusCode status, string? error)
    {
        Assert.That(response.StatusCode, Is.EqualTo(status), await response.Content.ReadAsStringAsync());
        AssertFapiHeaders(response);
        Assert.That(response.Headers.CacheControl?.NoStore, Is.True);
        string challenge = response.Headers.WwwAuthenticate.ToString();
        Assert.That(challenge, error is null ? Is.EqualTo("Bearer realm=\"open-energy\"") : Does.Contain($"error=\"{error}\""));
    }

    [Test]
    public async Task Dataset_IsServedAsUtf8Csv_WithTheFapiHeaders()
    {
        using HttpResponseMessage response = await GetAsync("/example", A, _host.TokenFor(A));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType?.ToString(), Is.EqualTo("text/csv; charset=utf-8"));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.StartWith("timestamp,meter_id,consumption_kwh"));
        AssertFapiHeaders(response);
        Assert.That(response.Headers.CacheControl?.NoStore, Is.True);
    }

    [Test]
    public async Task InteractionId_IsEchoed()
    {
        const string id = "c770AEf3-6784-41F7-8e0E-ff5f97bddb3a";

        using HttpResponseMessage response = await GetAsync("/example", A, _host.TokenFor(A), r => r.Headers.TryAddWithoutValidation("x-fapi-interaction-id", id));

        Assert.That(response.Headers.GetValues("x-fapi-interaction-id").Single(), Is.EqualTo(id));
    }

    [Test]
    public async Task LargeDataset_IsStreamedInFull()
    {
        string path = Path.Combine(_host.DataDirectory, "large.csv");
        string line = "2026-11-01T00:00:00Z,MTR-0001,0.412\n";
        await File.WriteAllTextAsync(path, "timestamp,meter_id,consumption_kwh\n" + string.Concat(Enumerable.Repeat(line, 30_000)));

        using HttpResponseMessage response = await GetAsync("/large", A, _host.TokenFor(A));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await response.Content.ReadAsByteArrayAsync()).Length, Is.EqualTo(new FileInfo(path).Length));
    }

    [Test]
    public async Task UnknownDataset_WithoutAToken_Is401_AndWithAToken_Is404()
    {
        using HttpResponseMessage anonymous = await GetAsync("/no-such-dataset", A, null);
        using HttpResponseMessage authenticated = await GetAsync("/no-such-dataset", A, _host.TokenFor(A));
        using HttpResponseMessage deeper = await GetAsync("/a/b/c", A, null);

        await AssertRefusedAsync(anonymous, HttpStatusCode.Unauthorized, null);
        await AssertRefusedAsync(deeper, HttpStatusCode.Unauthorized, null);
        Assert.That(authenticated.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        AssertFapiHeaders(authenticated);
    }

    [TestCase("/example.csv")]
    [TestCase("/secret")]
    [TestCase("/appsettings")]
    [TestCase("/%2e%2e%2fsecret")]
    [TestCase("/..%2fsecret")]
    public async Task NamesOutsideTheDataFolder_Are404(string path)
    {
        using HttpResponseMessage response = await GetAsync(path, A, _host.TokenFor(A));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task SymbolicLinkOutOfTheDataFolder_Is404()
    {
        string link = Path.Combine(_host.DataDirectory, "escape.csv");
        if (!File.Exists(link))
        {
            File.CreateSymbolicLink(link, Path.Combine(_host.Folder, "secret.csv"));
        }

        using HttpResponseMessage response = await GetAsync("/escape", A, _host.TokenFor(A));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task PublicFile_IsServedWithoutAToken_WithTheFapiHeaders()
    {
        using HttpResponseMessage response = await GetAsync("/index.html", A, null);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("<h1>public</h1>"));
        AssertFapiHeaders(response);
    }

    [Test]
    public async Task NoToken_Is401()
    {
        await AssertRefusedAsync(await GetAsync("/example", A, null), HttpStatusCode.Unauthorized, null);
    }

    [Test]
    public async Task TokenOfAnotherConsumer_Is401InvalidToken()
    {
        await AssertRefusedAsync(await GetAsync("/example", B, _host.TokenFor(A)), HttpStatusCode.Unauthorized, "invalid_token");
    }

    [Test]
    public async Task TokenWithoutTheRequiredScope_Is403()
    {
        using HttpResponseMessage response = await GetAsync("/example", A, _host.TokenFor(A, "other:scope"));

        await AssertRefusedAsync(response, HttpStatusCode.Forbidden, "insufficient_scope");
        Assert.That(response.Headers.WwwAuthenticate.ToString(), Does.EndWith("scope=\"energy:read\""));
    }

    [Test]
    public async Task TokenInTheQuery_IsNotAccepted()
    {
        await AssertRefusedAsync(await GetAsync("/example?access_token=" + _host.TokenFor(A), A, null), HttpStatusCode.Unauthorized, null);
    }

    [Test]
    public async Task TokenInHeaderAndQuery_Is400()
    {
        string token = _host.TokenFor(A);

        await AssertRefusedAsync(await GetAsync("/example?access_token=" + token, A, token), HttpStatusCode.BadRequest, "invalid_request");
    }

    [Test]
    public async Task MalformedToken_Is400()
    {
        using HttpResponseMessage response = await GetAsync("/example", A, null, r => r.Headers.TryAddWithoutValidation("Authorization", "Bearer a b"));

        await AssertRefusedAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Test]
    public async Task InactiveToken_Is401()
    {
        await AssertRefusedAsync(await GetAsync("/example", A, FakeAuthorizationServer.NewToken()), HttpStatusCode.Unauthorized, "invalid_token");
    }

    [Test]
    public async Task ExpiredToken_Is401()
    {
        string token = _host.AuthorizationServer.IssueToken(A, "energy:read", customize: o => o["exp"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 1);

        await AssertRefusedAsync(await GetAsync("/example", A, token), HttpStatusCode.Unauthorized, "invalid_token");
    }

    [Test]
    public async Task AuthorizationServerOutage_Is503()
    {
        string token = FakeAuthorizationServer.NewToken();
        _host.AuthorizationServer.SetResponse(token, FakeIntrospectionResponse.Status(500));

        using HttpResponseMessage response = await GetAsync("/example", A, token);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(response.Headers.RetryAfter, Is.Not.Null);
        AssertFapiHeaders(response);
    }

}
