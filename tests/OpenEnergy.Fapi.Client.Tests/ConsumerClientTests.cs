using System.Net;
using System.Security.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using OpenEnergy.Fapi.SampleProvider.Tests.Support;
using OpenEnergy.Fapi.Testing;

namespace OpenEnergy.Fapi.Client.Tests;

/// <summary>The consumer client end to end: the fake authorization server's token endpoint and the real sample over mutual TLS.</summary>
internal sealed class ConsumerClientTests : ConsumerFixture
{
    [Test]
    public async Task Csv_IsFetched_WithATokenTheClientGotItself()
    {
        using HttpClient client = ClientOf(Build(Settings(SampleHost.A)));

        using HttpResponseMessage response = await (await client.GetAsync(Dataset())).EnsureFapiSuccessAsync();

        Assert.That(await response.Content.ReadAsStringAsync(), Does.StartWith("timestamp,meter_id,consumption_kwh"));
        Assert.That(Server.TokenCount, Is.EqualTo(1));
        Assert.That(Server.IssuedTokens, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Token_IsCachedAcrossCalls_AndReplacedTokenRefreshBeforeItsExpiry()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using HttpClient client = ClientOf(Build(Settings(SampleHost.A), clock));

        for (int i = 0; i < 3; i++)
        {
            using HttpResponseMessage response = await (await client.GetAsync(Dataset())).EnsureFapiSuccessAsync();
        }

        Assert.That(Server.TokenCount, Is.EqualTo(1));
        // Five-minute tokens, replaced 60 s before they expire.
        clock.Advance(TimeSpan.FromMinutes(4) - TimeSpan.FromSeconds(1));
        (await client.GetAsync(Dataset())).Dispose();
        Assert.That(Server.TokenCount, Is.EqualTo(1));
        clock.Advance(TimeSpan.FromSeconds(1));
        using HttpResponseMessage refreshed = await (await client.GetAsync(Dataset())).EnsureFapiSuccessAsync();

        Assert.That(Server.TokenCount, Is.EqualTo(2));
    }

    [Test]
    public async Task HundredConcurrentCallers_CauseOneTokenRequest()
    {
        using HttpClient client = ClientOf(Build(Settings(SampleHost.A)));

        HttpResponseMessage[] responses = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => client.GetAsync(Dataset())));

        Assert.That(responses.Select(r => r.StatusCode), Is.All.EqualTo(HttpStatusCode.OK));
        Assert.That(Server.TokenCount, Is.EqualTo(1));
        foreach (HttpResponseMessage response in responses)
        {
            response.Dispose();
        }
    }

    [Test]
    public async Task TokenRevokedAtTheServer_IsReplacedOnce_AndTheCallSucceeds()
    {
        var logs = new FakeLogCollector();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using HttpClient client = ClientOf(Build(Settings(SampleHost.A), clock, logs));
        (await (await client.GetAsync(Dataset())).EnsureFapiSuccessAsync()).Dispose();

        Server.Revoke(Server.IssuedTokens.Last());
        // A token is replaced for a refusal only once it is a second old (a provider refusing everything must not
        // drive a token request per call).
        clock.Advance(TimeSpan.FromSeconds(1));
        using HttpResponseMessage response = await (await client.GetAsync(Dataset())).EnsureFapiSuccessAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(Server.TokenCount, Is.EqualTo(2));
        Assert.That(logs.GetSnapshot().Any(r => r.Message.Contains("retrying once with a new token", StringComparison.Ordinal)), Is.True);
        Assert.That(response.RequestMessage!.Headers.Authorization, Is.Null, "the caller's request does not keep the token");
    }

    [Test]
    public async Task RevokedToken_WithABodyThatCannotBeSentTwice_GivesTheCallerThe401()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using HttpClient client = ClientOf(Build(Settings(SampleHost.A), clock));
        (await (await client.GetAsync(Dataset())).EnsureFapiSuccessAsync()).Dispose();
        Server.Revoke(Server.IssuedTokens.Last());
        clock.Advance(TimeSpan.FromSeconds(1));

        using var request = new HttpRequestMessage(HttpMethod.Post, Dataset()) { Content = new StreamContent(new MemoryStream([1, 2, 3])) };
        using HttpResponseMessage response = await client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(Server.TokenCount, Is.EqualTo(1), "no new token for a request that cannot be sent again");
    }

    [Test]
    public async Task MissingScope_SurfacesAs403InsufficientScope_WithTheInteractionId()
    {
        using HttpClient client = ClientOf(Build(Settings(SampleHost.A, scope: "other:scope")));
        using HttpResponseMessage response = await client.GetAsync(Dataset());
        string? interactionId = response.GetFapiInteractionId();

        FapiRefusalException refusal = Assert.ThrowsAsync<FapiRefusalException>(() => response.EnsureFapiSuccessAsync())!;

        Assert.That(refusal.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(refusal.Error, Is.EqualTo("insufficient_scope"));
        Assert.That(refusal.ErrorDescription, Is.Not.Empty);
        Assert.That(refusal.InteractionId, Is.EqualTo(interactionId).And.Not.Null);
        Assert.That(refusal.Message, Does.Contain("insufficient_scope").And.Contain(interactionId!));
        Assert.That(Server.TokenCount, Is.EqualTo(1), "a 403 is never retried");
    }

    [Test]
    public async Task TokenBoundToAnotherCertificate_Is401InvalidToken_AfterOneRetryAtMost()
    {
        await using FakeAuthorizationServer boundElsewhere = await FakeAuthorizationServer.StartAsync(new FakeAuthorizationServerOptions { Authority = SampleHost.Directory, BindIssuedTokensTo = SampleHost.B });
        await using SampleHost provider = await SampleHost.StartAsync(Intake.DirectTls, sharedAuthorizationServer: boundElsewhere);
        Dictionary<string, string?> settings = Settings(SampleHost.A);
        settings["OpenEnergy:FapiClient:Issuer"] = boundElsewhere.BaseAddress.ToString();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using HttpClient client = ClientOf(Build(settings, clock));
        Uri data = new(provider.BaseAddress, "example");

        // A token refused as soon as it was issued is not replaced: a new one would be refused alike.
        using HttpResponseMessage first = await client.GetAsync(data);
        Assert.That(boundElsewhere.TokenCount, Is.EqualTo(1));
        clock.Advance(TimeSpan.FromSeconds(1));
        using HttpResponseMessage response = await client.GetAsync(data);
        FapiRefusalException refusal = Assert.ThrowsAsync<FapiRefusalException>(() => response.EnsureFapiSuccessAsync())!;

        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(refusal.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(refusal.Error, Is.EqualTo("invalid_token"));
        Assert.That(boundElsewhere.TokenCount, Is.EqualTo(2), "one new token, one more try, no more");
    }

    [Test]
    public async Task InteractionId_IsFreshPerRequest_ReadableFromTheResponse_AndLogged()
    {
        var logs = new FakeLogCollector();
        using HttpClient client = ClientOf(Build(Settings(SampleHost.A), logs: logs));

        using HttpResponseMessage first = await client.GetAsync(Dataset());
        using HttpResponseMessage second = await client.GetAsync(Dataset());
        string firstId = first.GetFapiInteractionId()!;
        string secondId = second.GetFapiInteractionId()!;

        Assert.That(Guid.TryParse(firstId, out _) && Guid.TryParse(secondId, out _), Is.True);
        Assert.That(firstId, Is.Not.EqualTo(secondId));
        Assert.That(first.RequestMessage!.Headers.GetValues("x-fapi-interaction-id").Single(), Is.EqualTo(firstId), "the provider echoes the id the client sent");
        foreach (string id in new[] { firstId, secondId })
        {
            Assert.That(logs.GetSnapshot().Any(r => r.Message.Contains(id, StringComparison.Ordinal) && r.Scopes.Any(s => s?.ToString()?.Contains(id, StringComparison.Ordinal) == true
                || s is IEnumerable<KeyValuePair<string, object?>> pairs && pairs.Any(p => p.Value as string == id))), Is.True, id);
        }
    }

    [Test]
    public async Task TokensAreNeverLogged()
    {
        var logs = new FakeLogCollector();
        using HttpClient client = ClientOf(Build(Settings(SampleHost.A), logs: logs));

        (await client.GetAsync(Dataset())).Dispose();

        string token = Server.IssuedTokens.Last();
        Assert.That(logs.GetSnapshot().Select(r => r.Message + string.Join(' ', r.Scopes)), Has.None.Contains(token));
    }

    [Test]
    public async Task AuthorizationServerUnreachable_IsAClearError()
    {
        Dictionary<string, string?> settings = Settings(SampleHost.A);
        settings["OpenEnergy:FapiClient:Issuer"] = "https://localhost:" + FreePort() + "/";
        using HttpClient client = ClientOf(Build(settings));

        FapiTokenRequestException failure = Assert.ThrowsAsync<FapiTokenRequestException>(() => client.GetAsync(Dataset()))!;

        Assert.That(failure.Message, Does.Contain("could not be reached").And.Contain("localhost"));
        Assert.That(failure.StatusCode, Is.Null);
    }

    [Test]
    public void AuthorizationServerThatNeverAnswers_FailsWithinTheBoundedTime()
    {
        Server.DiscoveryResponse = FakeIntrospectionResponse.Hang();
        Dictionary<string, string?> settings = Settings(SampleHost.A);
        // A one-second Timeout on the real clock: the resilience pipeline's own timers run on it too.
        settings["OpenEnergy:FapiClient:Timeout"] = "00:00:01";
        using HttpClient client = ClientOf(Build(settings));

        var failure = (HttpRequestException)Assert.ThrowsAsync(Is.InstanceOf<HttpRequestException>(), () => client.GetAsync(Dataset()))!;

        Assert.That(failure.Message, Does.Contain("within 1 s"));
    }

    [Test]
    public async Task TokenRequestFailure_IsHeldBriefly_InsteadOfAskingAgainAtOnce()
    {
        Server.DiscoveryResponse = FakeIntrospectionResponse.Status(500);
        using HttpClient client = ClientOf(Build(Settings(SampleHost.A)));

        Assert.ThrowsAsync<FapiTokenRequestException>(() => client.GetAsync(Dataset()));
        int asked = Server.DiscoveryCount;
        FapiTokenRequestException again = Assert.ThrowsAsync<FapiTokenRequestException>(() => client.GetAsync(Dataset()))!;

        Assert.That(Server.DiscoveryCount, Is.EqualTo(asked));
        Assert.That(asked, Is.EqualTo(3), "the first failure was retried twice as transient (500)");
        Assert.That(again.Message, Does.Contain("500"));
    }

    [Test]
    public async Task HttpUrl_NeverGetsTheToken()
    {
        using HttpClient client = ClientOf(Build(Settings(SampleHost.A)));

        HttpRequestException failure = Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(new Uri("http://localhost:" + Provider.BaseAddress.Port + "/example")))!;

        Assert.That(failure.Message, Does.Contain("not an absolute https URL"));
        Assert.That(Server.TokenCount, Is.Zero);
    }

    [Test]
    public async Task LongRetryAfter_GoesBackToTheCaller_WithoutWaiting()
    {
        await using StubProvider busy = await StubProvider.StartAsync(429, r => r.Headers.RetryAfter = "3600");
        using HttpClient client = ClientOf(Build(Settings(SampleHost.A)));

        using HttpResponseMessage response = await client.GetAsync(new Uri(busy.BaseAddress, "data"));
        FapiRefusalException refusal = Assert.ThrowsAsync<FapiRefusalException>(() => response.EnsureFapiSuccessAsync())!;

        Assert.That(refusal.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
        Assert.That(refusal.RetryAfter, Is.EqualTo(TimeSpan.FromHours(1)));
        Assert.That(busy.Requests, Is.EqualTo(1));
    }

    [Test]
    public async Task ServerError_IsRetried_ForAGet_ButNotForAPost()
    {
        await using StubProvider failing = await StubProvider.StartAsync(503);
        using HttpClient client = ClientOf(Build(Settings(SampleHost.A)));

        using HttpResponseMessage get = await client.GetAsync(new Uri(failing.BaseAddress, "data"));
        int afterGet = failing.Requests;
        using HttpResponseMessage post = await client.PostAsync(new Uri(failing.BaseAddress, "data"), new StringContent("x"));

        Assert.That(get.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(afterGet, Is.EqualTo(3), "one attempt and RetryCount (2) retries");
        Assert.That(failing.Requests - afterGet, Is.EqualTo(1), "a POST may not be idempotent");
    }

    [Test]
    public async Task TokenEndpointAnsweringWithoutAToken_IsAClearError()
    {
        Dictionary<string, string?> settings = Settings(SampleHost.A);
        // Discovery names an endpoint that answers 200 with JSON that is no token response.
        Server.DiscoveryResponse = FakeIntrospectionResponse.Json($$"""{"issuer":"{{Server.IssuerIdentifier}}","token_endpoint":"{{new Uri(Server.BaseAddress, "introspect")}}"}""");
        using HttpClient client = ClientOf(Build(settings));

        FapiTokenRequestException failure = Assert.ThrowsAsync<FapiTokenRequestException>(() => client.GetAsync(Dataset()))!;

        Assert.That(failure.Message, Does.Contain("answered without a Bearer access_token"));
        Assert.That(failure.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task ProviderWithAnUntrustedCertificate_IsRefused()
    {
        Dictionary<string, string?> settings = Settings(SampleHost.A);
        settings.Remove("OpenEnergy:FapiClient:ProviderCaPath");
        using HttpClient client = ClientOf(Build(settings));

        HttpRequestException failure = Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(Dataset()))!;

        Assert.That(failure.InnerException, Is.InstanceOf<AuthenticationException>());
        Assert.That(failure, Is.Not.InstanceOf<FapiRefusalException>());
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
