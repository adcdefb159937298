using System.Net;
using System.Net.Http.Headers;
using OpenEnergy.Fapi.AspNetCore.Tests.Support;
using OpenEnergy.Fapi.Testing;
using static OpenEnergy.Fapi.AspNetCore.Tests.Support.TestDirectory;

namespace OpenEnergy.Fapi.AspNetCore.Tests;

/// <summary>
/// The adapter's behaviour that does not depend on where the certificate came from, proven both with
/// Kestrel terminating mutual TLS and behind a (simulated) proxy that forwards the certificate.
/// </summary>
[TestFixture(CertificateIntake.DirectTls)]
[TestFixture(CertificateIntake.ForwardedHeader)]
internal sealed class AdapterBehaviourTests : ProviderFixture
{
    private readonly CertificateIntake _intake;
    private ProviderHost _host = null!;

    public AdapterBehaviourTests(CertificateIntake intake) => _intake = intake;

    [OneTimeSetUp]
    public async Task StartHost() => _host = await StartHostAsync(_intake);

    [TestCase("/v1/data")]
    [TestCase("/mw/x")]
    [TestCase("/authz")]
    [TestCase("/controller")]
    public async Task BoundToken_FromTheRightCertificate_IsServed(string path)
    {
        using HttpClient client = _host.Client(A);

        using HttpResponseMessage response = await client.SendAsync(ProviderHost.Get(path, TokenFor(A)));

        string body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body);
        Assert.That(body, Does.Contain(path == "/authz" ? "org-client-consumer-a" : "client-consumer-a"));
        ResponseAssert.FapiHeaders(response);
        Assert.That(response.Headers.CacheControl?.NoStore, Is.True);
    }

    [TestCase("/v1/data")]
    [TestCase("/mw/x")]
    [TestCase("/authz")]
    [TestCase("/controller")]
    public async Task TokenOfAnotherConsumer_IsInvalidToken(string path)
    {
        using HttpClient client = _host.Client(B);

        using HttpResponseMessage response = await client.SendAsync(ProviderHost.Get(path, TokenFor(A)));

        await ResponseAssert.RefusedAsync(response, HttpStatusCode.Unauthorized, "invalid_token");
    }

    [TestCase("/v1/data")]
    [TestCase("/mw/x")]
    [TestCase("/authz")]
    [TestCase("/controller")]
    public async Task NoToken_IsAChallengeWithoutError(string path)
    {
        using HttpClient client = _host.Client(A);

        using HttpResponseMessage response = await client.SendAsync(ProviderHost.Get(path, null));

        await ResponseAssert.RefusedAsync(response, HttpStatusCode.Unauthorized, null);
    }

    [TestCase("/v1/s3")]
    [TestCase("/authz-s3")]
    public async Task MissingScope_Is403_NamingTheScope(string path)
    {
        using HttpClient client = _host.Client(A);

        using HttpResponseMessage response = await client.SendAsync(ProviderHost.Get(path, TokenFor(A, "s1 s2")));

        await ResponseAssert.RefusedAsync(response, HttpStatusCode.Forbidden, "insufficient_scope", scope: "s3");
    }

    [Test]
    public async Task InvertedCaseScheme_IsServed()
    {
        using HttpClient client = _host.Client(A);
        using HttpRequestMessage request = ProviderHost.Get("/v1/data", null);
        request.Headers.TryAddWithoutValidation("Authorization", "bEARER " + TokenFor(A));

        using HttpResponseMessage response = await client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task TokenInQueryOnly_IsNoCredentials_AndNeverIntrospected()
    {
        using HttpClient client = _host.Client(A);
        string token = TokenFor(A);
        int before = Server.IntrospectionCount;

        using HttpResponseMessage response = await client.SendAsync(ProviderHost.Get("/v1/data?access_token=" + token, null));

        await ResponseAssert.RefusedAsync(response, HttpStatusCode.Unauthorized, null);
        Assert.That(Server.Introspections.Skip(before).Any(c => c.Form.GetValueOrDefault("token") == token), Is.False);
    }

    [Test]
    public async Task TokenInHeaderAndQuery_IsInvalidRequest()
    {
        using HttpClient client = _host.Client(A);
        string token = TokenFor(A);

        using HttpResponseMessage response = await client.SendAsync(ProviderHost.Get("/v1/data?access_token=" + token, token));

        await ResponseAssert.RefusedAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Test]
    public async Task TokenInFormBodyOnly_IsNoCredentials()
    {
        using HttpClient client = _host.Client(A);

        using HttpResponseMessage response = await client.PostAsync("/v1/data", new FormUrlEncodedContent([new("access_token", TokenFor(A))]));

        await ResponseAssert.RefusedAsync(response, HttpStatusCode.Unauthorized, null);
    }

    [Test]
    public async Task TokenInHeaderAndFormBody_IsInvalidRequest()
    {
        using HttpClient client = _host.Client(A);
        string token = TokenFor(A);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/data") { Content = new FormUrlEncodedContent([new("access_token", token)]) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);

        using HttpResponseMessage response = await client.SendAsync(request);

        await ResponseAssert.RefusedAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Test]
    public async Task TwoAuthorizationHeaders_AreInvalidRequest()
    {
        using HttpClient client = _host.Client(A);
        string token = TokenFor(A);
        using HttpRequestMessage request = ProviderHost.Get("/v1/data", null);
        request.Headers.TryAddWithoutValidation("Authorization", ["Bearer " + token, "Bearer " + token]);

        using HttpResponseMessage response = await client.SendAsync(request);

        await ResponseAssert.RefusedAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Test]
    public async Task MixedCaseUuidInteractionId_IsEchoedExactly_OnSuccessAndOnError()
    {
        using HttpClient client = _host.Client(A);
        const string id = "c770AEf3-6784-41F7-8e0E-ff5f97bddb3a";

        using HttpResponseMessage ok = await client.SendAsync(ProviderHost.Get("/v1/data", TokenFor(A), id));
        using HttpResponseMessage refused = await client.SendAsync(ProviderHost.Get("/v1/data", null, id));

        Assert.That(ResponseAssert.FapiHeaders(ok), Is.EqualTo(id));
        Assert.That(ResponseAssert.FapiHeaders(refused), Is.EqualTo(id));
        Assert.That(await ok.Content.ReadAsStringAsync(), Does.Contain(id));
    }

    [TestCase("not-a-uuid")]
    [TestCase("<script>alert(1)</script>")]
    public async Task NonUuidInteractionId_IsReplaced(string sent)
    {
        using HttpClient client = _host.Client(A);

        using HttpResponseMessage response = await client.SendAsync(ProviderHost.Get("/v1/data", TokenFor(A), sent));

        Assert.That(ResponseAssert.FapiHeaders(response), Is.Not.EqualTo(sent));
    }

    [Test]
    public async Task AbsentInteractionId_IsGeneratedFreshEachTime()
    {
        using HttpClient client = _host.Client(A);
        string token = TokenFor(A);

        using HttpResponseMessage one = await client.SendAsync(ProviderHost.Get("/v1/data", token));
        using HttpResponseMessage two = await client.SendAsync(ProviderHost.Get("/v1/data", token));

        Assert.That(ResponseAssert.FapiHeaders(one), Is.Not.EqualTo(ResponseAssert.FapiHeaders(two)));
    }

    [Test]
    public async Task UnprotectedRoute_StillCarriesTheFapiHeaders()
    {
        using HttpClient client = _host.Client(A);

        using HttpResponseMessage response = await client.SendAsync(ProviderHost.Get("/open", null));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        ResponseAssert.FapiHeaders(response);
    }

    [TestCase("x-fapi-customer-ip-address", "198.51.100.119")]
    [TestCase("x-fapi-customer-ip-address", "2001:DB8::1893:25c8:1946")]
    [TestCase("x-fapi-auth-date", "Tue, 11 Sep 2012 19:43:31 GMT")]
    [TestCase("Accept", "application/json, application/*+json, */*")]
    [TestCase("Accept-Charset", "UTF-8")]
    public async Task FapiClientHeaders_NeverCauseARejection(string name, string value)
    {
        using HttpClient client = _host.Client(A);
        using HttpRequestMessage request = ProviderHost.Get("/v1/data", TokenFor(A));
        request.Headers.TryAddWithoutValidation(name, value);

        using HttpResponseMessage response = await client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
    }

    [Test]
    public async Task AuthorizationServerOutage_Is503WithRetryAfter()
    {
        using HttpClient client = _host.Client(A);
        string token = FakeAuthorizationServer.NewToken();
        Server.SetResponse(token, FakeIntrospectionResponse.Status(500));

        using HttpResponseMessage response = await client.SendAsync(ProviderHost.Get("/v1/data", token));

        await ResponseAssert.RefusedAsync(response, HttpStatusCode.ServiceUnavailable, null);
        Assert.That(response.Headers.RetryAfter!.Delta, Is.EqualTo(TimeSpan.FromSeconds(5)));
    }

    [Test]
    public async Task LogEntriesOfARequest_CarryItsInteractionId()
    {
        using HttpClient client = _host.Client(B);
        const string id = "0e5f0b1c-2a3b-4c5d-8e9f-a0b1c2d3e4f5";

        using HttpResponseMessage response = await client.SendAsync(ProviderHost.Get("/v1/data", TokenFor(A), id));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        var rejection = _host.Logs.GetSnapshot().Last(r => r.Id.Id == 2 && r.Category!.EndsWith("FapiValidator", StringComparison.Ordinal));
        Assert.That(rejection.Scopes.OfType<IEnumerable<KeyValuePair<string, object?>>>().SelectMany(s => s).Any(kv => kv.Key == "x-fapi-interaction-id" && Equals(kv.Value, id)), Is.True);
    }

    [Test]
    public async Task TokenInHeader_AndPercentEncodedAccessTokenQueryName_IsInvalidRequest()
    {
        using HttpClient client = _host.Client(A);
        string token = TokenFor(A);

        using HttpResponseMessage response = await client.SendAsync(ProviderHost.Get("/v1/data?access%5Ftoken=" + token, token));

        await ResponseAssert.RefusedAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Test]
    public async Task TokenInHeader_AndAccessTokenInAMultipartBody_IsServed_TheBodyIsNotRead()
    {
        using HttpClient client = _host.Client(A);
        string token = TokenFor(A);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/data") { Content = new MultipartFormDataContent { { new StringContent(token), "access_token" } } };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);

        using HttpResponseMessage response = await client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task TokenInHeader_AndAccessTokenInAFormBodyOver8KiB_IsServed_TheBodyIsNotRead()
    {
        using HttpClient client = _host.Client(A);
        string token = TokenFor(A);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/data")
        {
            Content = new FormUrlEncodedContent([new("access_token", token), new("padding", new string('p', 9 * 1024))]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);

        using HttpResponseMessage response = await client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task FormBodyLookedAtForATokenParameter_IsStillReadableByTheApplication()
    {
        using HttpClient client = _host.Client(A);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/form") { Content = new FormUrlEncodedContent([new("x", "kept")]) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TokenFor(A));

        using HttpResponseMessage response = await client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("form:kept"));
    }

    [Test]
    public async Task HugeInvalidInteractionId_IsLoggedCutTo64Characters_WithItsLength()
    {
        using HttpClient client = _host.Client(A);
        string sent = "x" + new string('y', 8_000);

        using HttpResponseMessage response = await client.SendAsync(ProviderHost.Get("/open", null, sent));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        string replacement = response.Headers.GetValues("x-fapi-interaction-id").Single();
        var entry = _host.Logs.GetSnapshot().Last(r => r.Message.Contains(replacement, StringComparison.Ordinal) && r.Message.Contains("not a UUID", StringComparison.Ordinal));
        Assert.That(entry.Message, Does.Contain("x" + new string('y', 63) + "'").And.Contain("8001 characters"));
        Assert.That(entry.Message.Length, Is.LessThan(300));
    }

    [Test]
    public async Task MalformedJsonBody_WithoutAToken_IsNoCredentials_NotABindingError()
    {
        // RequireFapi judges the request before the endpoint binds its parameters: the body is never parsed.
        using HttpClient client = _host.Client(A);

        using HttpResponseMessage response = await client.PostAsync("/v1/json", new StringContent("{not json", System.Text.Encoding.UTF8, "application/json"));

        await ResponseAssert.RefusedAsync(response, HttpStatusCode.Unauthorized, null);
    }

    [Test]
    public async Task JsonBody_WithABoundToken_IsBoundAndServed()
    {
        using HttpClient client = _host.Client(A);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/json") { Content = new StringContent("{\"value\":\"kept\"}", System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TokenFor(A));

        using HttpResponseMessage response = await client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("json:kept"));
    }
}
