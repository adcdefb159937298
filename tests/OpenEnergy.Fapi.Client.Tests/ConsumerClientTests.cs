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
        using HttpClient client = ClientOf(Build(Settings(SampleHost.A), logs: logs));
        (await (await client.GetAsync(Dataset())).EnsureFapiSuccessAsync()).Dispose();

        Server.Revoke(Server.IssuedTokens.Last());
        using HttpResponseMessage response = await (await client.GetAsync(Dataset())).EnsureFapiSuccessAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(Server.TokenCount, Is.EqualTo(2));
        Assert.That(logs.GetSnapshot().Any(r => r.Message.Contains("retrying once with a new token", StringComparison.Ordinal)), Is.True);
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
    public async Task TokenBoundToAnotherCertificate_Is401InvalidToken_AfterOneRetry()
    {
        await using FakeAuthorizationServer boundElsewhere = await FakeAuthorizationServer.StartAsync(new FakeAuthorizationServerOptions { Authority = SampleHost.Directory, BindIssuedTokensTo = SampleHost.B });
        await using SampleHost provider = await SampleHost.StartAsync(Intake.DirectTls, sharedAuthorizationServer: boundElsewhere);
        Dictionary<string, string?> settings = Settings(SampleHost.A);
        settings["OpenEnergy:FapiClient:Issuer"] = boundElsewhere.BaseAddress.ToString();
        using HttpClient client = ClientOf(Build(settings));

        using HttpResponseMessage response = await client.GetAsync(new Uri(provider.BaseAddress, "example"));
        FapiRefusalException refusal = Assert.ThrowsAsync<FapiRefusalException>(() => response.EnsureFapiSuccessAsync())!;

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
    public async Task AuthorizationServerThatNeverAnswers_FailsWithinTheBoundedTime()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        Server.DiscoveryResponse = FakeIntrospectionResponse.Hang();
        using HttpClient client = ClientOf(Build(Settings(SampleHost.A), clock));

        Task<HttpResponseMessage> call = client.GetAsync(Dataset());
        // The client's own clock runs out its 30 s Timeout; nothing here waits for real time.
        while (!call.IsCompleted)
        {
            await Task.Yield();
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        FapiTokenRequestException failure = Assert.ThrowsAsync<FapiTokenRequestException>(() => call)!;
        Assert.That(failure.Message, Does.Contain("did not answer within 30 s"));
        // About the Timeout (the loop may overshoot by the few steps it takes the failure to surface), not twice it.
        Assert.That(clock.GetUtcNow() - clock.Start, Is.InRange(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(40)));
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
