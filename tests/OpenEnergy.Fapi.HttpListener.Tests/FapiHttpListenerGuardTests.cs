using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using OpenEnergy.Fapi.HttpListener;
using OpenEnergy.Fapi.HttpListenerSample;
using OpenEnergy.Fapi.Testing;
using OpenEnergy.Fapi.Validation;

namespace OpenEnergy.Fapi.HttpListener.Tests;

/// <summary>A real HttpListener on loopback behind a (simulated) proxy that forwards the certificate.</summary>
public class FapiHttpListenerGuardTests
{
    private static readonly TestCertificateAuthority Directory = TestCertificateAuthority.Create("Test Directory CA");
    private static readonly X509Certificate2 A = Directory.IssueClientCertificate("consumer-a", "org-a");
    private static readonly X509Certificate2 B = Directory.IssueClientCertificate("consumer-b", "org-b");

    private FakeAuthorizationServer _server = null!;
    private ServiceProvider _services = null!;
    private System.Net.HttpListener _listener = null!;
    private HttpClient _client = null!;
    private Task _loop = null!;
    private readonly CancellationTokenSource _stopping = new();

    [OneTimeSetUp]
    public async Task Start()
    {
        _server = await FakeAuthorizationServer.StartAsync();
        _services = new ServiceCollection()
            .AddLogging()
            .AddOpenEnergyFapi(o =>
            {
                o.Issuer = _server.BaseAddress.ToString();
                o.ClientId = "provider";
                o.ClientCertificate = Directory.IssueClientCertificate("provider");
                o.AuthorizationServerCaCertificates.Add(_server.Authority.Certificate);
                o.ClientCertificateHeader = "X-OE-CLIENT-CERT";
                o.ClientCertificateVerifyHeader = "X-OE-CLIENT-VERIFY";
                // Auto: the opaque tokens of most tests are introspected, the JWTs validated locally.
                o.AccessTokenFormat = Configuration.AccessTokenFormat.Auto;
                o.Audience = FakeAuthorizationServer.DefaultJwtAudience;
            })
            .AddOpenEnergyFapiHttpListener()
            .AddSingleton<DataServer>()
            .BuildServiceProvider();

        int port = StartListenerOnAFreePort();
        _client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        // The sample's own request loop, as operators run it.
        _loop = _services.GetRequiredService<DataServer>().ServeAsync(_listener, _stopping.Token);
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        _listener.Close();
        await _loop;
        _client.Dispose();
        await _services.DisposeAsync();
        await _server.DisposeAsync();
    }

    private int StartListenerOnAFreePort()
    {
        _listener = StartOnAFreePort(out int port);
        return port;
    }

    // HttpListener cannot take port 0: a fresh listener per attempt (a failed Start closes it) on a port that was
    // free a moment ago, until one is still free when the listener binds it.
    private static System.Net.HttpListener StartOnAFreePort(out int port)
    {
        for (int attempt = 0; ; attempt++)
        {
            using (var probe = new TcpListener(IPAddress.Loopback, 0))
            {
                probe.Start();
                port = ((IPEndPoint)probe.LocalEndpoint).Port;
            }

            var listener = new System.Net.HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
                return listener;
            }
            catch (HttpListenerException) when (attempt < 50)
            {
                listener.Close();
            }
        }
    }

    private static HttpRequestMessage Request(X509Certificate2? forwarded, string? token, string? interactionId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "data");
        if (forwarded is not null)
        {
            request.Headers.TryAddWithoutValidation("X-OE-CLIENT-CERT", Uri.EscapeDataString(forwarded.ExportCertificatePem() + "\n"));
            request.Headers.TryAddWithoutValidation("X-OE-CLIENT-VERIFY", "SUCCESS");
        }

        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (interactionId is not null)
        {
            request.Headers.TryAddWithoutValidation("x-fapi-interaction-id", interactionId);
        }

        return request;
    }

    private static void AssertFapiHeaders(HttpResponseMessage response)
    {
        string date = response.Headers.GetValues("Date").Single();
        Assert.That(date, Does.EndWith(" GMT"));
        Assert.That(DateTimeOffset.ParseExact(date, "r", CultureInfo.InvariantCulture), Is.EqualTo(DateTimeOffset.UtcNow).Within(TimeSpan.FromMinutes(5)));
        Assert.That(Guid.TryParseExact(response.Headers.GetValues("x-fapi-interaction-id").Single(), "D", out _), Is.True);
    }

    [Test]
    public async Task BoundToken_WithTheForwardedCertificate_IsServed()
    {
        using HttpResponseMessage response = await _client.SendAsync(Request(A, _server.IssueToken(A, "energy:read", "cA")));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.StartWith("hello, "));
        AssertFapiHeaders(response);
        Assert.That(response.Headers.CacheControl?.NoStore, Is.True);
    }

    [TestCase("PS256")]
    [TestCase("ES256")]
    public async Task BoundJwt_WithTheForwardedCertificate_IsServed_WithoutAnIntrospection(string algorithm)
    {
        int introspections = _server.IntrospectionCount;

        using HttpResponseMessage response = await _client.SendAsync(Request(A, _server.IssueJwt(A, "energy:read", "cA", algorithm: algorithm)));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        AssertFapiHeaders(response);
        Assert.That(_server.IntrospectionCount, Is.EqualTo(introspections));
    }

    [TestCase(FakeJwtDefect.TamperedPayload)]
    [TestCase(FakeJwtDefect.AlgorithmNone)]
    [TestCase(FakeJwtDefect.HmacWithPublicKey)]
    public async Task FaultyJwt_IsInvalidToken(FakeJwtDefect defect)
    {
        using HttpResponseMessage response = await _client.SendAsync(Request(A, _server.IssueJwt(A, "energy:read", "cA", defect: defect)));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(response.Headers.WwwAuthenticate.ToString(), Does.Contain("error=\"invalid_token\""));
        AssertFapiHeaders(response);
    }

    [Test]
    public async Task NoToken_Is401WithAChallengeAndTheFapiHeaders()
    {
        using HttpResponseMessage response = await _client.SendAsync(Request(A, null, "c770AEf3-6784-41F7-8e0E-ff5f97bddb3a"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(response.Headers.WwwAuthenticate.ToString(), Is.EqualTo("Bearer realm=\"open-energy\""));
        AssertFapiHeaders(response);
        Assert.That(response.Headers.GetValues("x-fapi-interaction-id").Single(), Is.EqualTo("c770AEf3-6784-41F7-8e0E-ff5f97bddb3a"));
    }

    [Test]
    public async Task OtherConsumersCertificate_IsInvalidToken()
    {
        using HttpResponseMessage response = await _client.SendAsync(Request(B, _server.IssueToken(A, "energy:read")));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(response.Headers.WwwAuthenticate.ToString(), Does.Contain("error=\"invalid_token\""));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("\"error\":\"invalid_token\""));
    }

    [Test]
    public async Task NoCertificate_IsInvalidToken()
    {
        using HttpResponseMessage response = await _client.SendAsync(Request(null, _server.IssueToken(A, "energy:read")));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(response.Headers.WwwAuthenticate.ToString(), Does.Contain("error=\"invalid_token\""));
    }

    [Test]
    public async Task MissingScope_Is403()
    {
        using HttpResponseMessage response = await _client.SendAsync(Request(A, _server.IssueToken(A, "s2")));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(response.Headers.WwwAuthenticate.ToString(), Does.Contain("scope=\"energy:read\""));
    }

    [Test]
    public async Task Outage_Is503WithRetryAfter()
    {
        string token = FakeAuthorizationServer.NewToken();
        _server.SetResponse(token, FakeIntrospectionResponse.Status(502));

        using HttpResponseMessage response = await _client.SendAsync(Request(A, token));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(response.Headers.RetryAfter, Is.Not.Null);
        AssertFapiHeaders(response);
    }

    [Test]
    public async Task ClientThatGoesAwayBeforeTheAuthorizationServerAnswers_DoesNotStopTheServer()
    {
        var answer = new TaskCompletionSource();
        string token = FakeAuthorizationServer.NewToken();
        _server.SetResponse(token, FakeIntrospectionResponse.After(answer.Task, FakeIntrospectionResponse.Inactive()));
        int before = _server.IntrospectionCount;

        using (var raw = new TcpClient())
        {
            await raw.ConnectAsync(IPAddress.Loopback, _client.BaseAddress!.Port);
            string pem = Uri.EscapeDataString(A.ExportCertificatePem() + "\n");
            byte[] request = System.Text.Encoding.ASCII.GetBytes(
                $"GET /data HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\nX-OE-CLIENT-CERT: {pem}\r\nX-OE-CLIENT-VERIFY: SUCCESS\r\n\r\n");
            await raw.GetStream().WriteAsync(request);
            await _server.WaitForIntrospectionsAsync(before + 1);
            // Reset, not a polite close: the refusal is then written to a connection that is gone.
            raw.Client.LingerState = new LingerOption(true, 0);
        }

        answer.SetResult();
        using HttpResponseMessage next = await _client.SendAsync(Request(A, _server.IssueToken(A, "energy:read", "cA")));

        Assert.That(next.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(_loop.IsCompleted, Is.False, "the request loop ended");
    }

    [Test]
    public async Task RequestWaitingForTheAuthorizationServer_DoesNotHoldUpTheNextRequest()
    {
        var answer = new TaskCompletionSource();
        string slow = FakeAuthorizationServer.NewToken();
        _server.SetResponse(slow, FakeIntrospectionResponse.After(answer.Task, FakeIntrospectionResponse.Active(Fapi.Certificates.CertificateThumbprint.FromCertificate(A), "energy:read")));

        Task<HttpResponseMessage> waiting = _client.SendAsync(Request(A, slow));
        using HttpResponseMessage quick = await _client.SendAsync(Request(A, _server.IssueToken(A, "energy:read", "cA")));
        Assert.That(waiting.IsCompleted, Is.False);
        answer.SetResult();
        using HttpResponseMessage later = await waiting;

        Assert.That(quick.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(later.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task ProxyVerdictOtherThanSuccess_IsNoCertificate()
    {
        HttpRequestMessage request = Request(A, _server.IssueToken(A, "energy:read"));
        request.Headers.Remove("X-OE-CLIENT-VERIFY");
        request.Headers.TryAddWithoutValidation("X-OE-CLIENT-VERIFY", "FAILED:unknown ca");
        using HttpResponseMessage response = await _client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(response.Headers.WwwAuthenticate.ToString(), Does.Contain("error=\"invalid_token\""));
    }

    [Test]
    public void HeaderModeWithoutTheVerifyHeader_FailsAtStartUp_NamingTheReason()
    {
        using ServiceProvider services = new ServiceCollection()
            .AddOpenEnergyFapi(o =>
            {
                o.Issuer = _server.BaseAddress.ToString();
                o.ClientId = "provider";
                o.ClientCertificate = Directory.IssueClientCertificate("provider");
                o.ClientCertificateHeader = "X-OE-CLIENT-CERT";
            })
            .AddOpenEnergyFapiHttpListener()
            .BuildServiceProvider();

        var failure = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => services.GetRequiredService<FapiHttpListenerGuard>());
        Assert.That(failure!.Message, Does.Contain("ClientCertificateVerifyHeader").And.Contain("merges repeated headers"));
    }

    [Test]
    public async Task Guard_ForAClientThatWentAway_ReturnsTheRefusal_WithoutThrowing()
    {
        // The guard alone, without the sample's per-request catch: it must not throw for a gone client.
        using System.Net.HttpListener listener = StartOnAFreePort(out int port);
        var answer = new TaskCompletionSource();
        string token = FakeAuthorizationServer.NewToken();
        _server.SetResponse(token, FakeIntrospectionResponse.After(answer.Task, FakeIntrospectionResponse.Inactive()));
        int before = _server.IntrospectionCount;
        Task<HttpListenerContext> accepted = listener.GetContextAsync();
        using (var raw = new TcpClient())
        {
            await raw.ConnectAsync(IPAddress.Loopback, port);
            string pem = Uri.EscapeDataString(A.ExportCertificatePem() + "\n");
            await raw.GetStream().WriteAsync(System.Text.Encoding.ASCII.GetBytes(
                $"GET /data HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\nX-OE-CLIENT-CERT: {pem}\r\nX-OE-CLIENT-VERIFY: SUCCESS\r\n\r\n"));
            HttpListenerContext context = await accepted;
            Task<FapiVerdict> validating = _services.GetRequiredService<FapiHttpListenerGuard>().ValidateAsync(context, ["energy:read"]).AsTask();
            await _server.WaitForIntrospectionsAsync(before + 1);
            raw.Client.LingerState = new LingerOption(true, 0);
            raw.Close();
            answer.SetResult();

            FapiVerdict verdict = await validating;

            Assert.That(verdict.Succeeded, Is.False);
            Assert.That(verdict.StatusCode, Is.EqualTo(401));
        }
    }
}
