using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using OpenEnergy.Fapi.Certificates;
using OpenEnergy.Fapi.Testing;
using OpenEnergy.Fapi.Tests.Support;
using OpenEnergy.Fapi.Validation;
using static OpenEnergy.Fapi.Tests.Support.Certificates;

namespace OpenEnergy.Fapi.Tests.Introspection;

/// <summary>The introspection call itself: its shape, and every way the authorization server can fail to answer.</summary>
internal sealed class IntrospectionCallTests : AuthorizationServerFixture
{
    [Test]
    public async Task Call_IsAFormPost_WithTokenHintClientIdAndAcceptJson_OverMutualTls()
    {
        ValidatorHarness rs = NewValidator();
        string token = Server.IssueToken(A);

        await rs.ValidateAsync("Bearer " + token, A);

        RecordedIntrospection call = Server.Introspections.Single();
        Assert.That(call.Method, Is.EqualTo("POST"));
        Assert.That(call.ContentType, Does.StartWith("application/x-www-form-urlencoded"));
        Assert.That(call.Accept, Is.EqualTo("application/json"));
        Assert.That(call.Form["token"], Is.EqualTo(token));
        Assert.That(call.Form["token_type_hint"], Is.EqualTo("access_token"));
        Assert.That(call.Form["client_id"], Is.EqualTo("provider-client"));
        Assert.That(call.ClientCertificate, Is.EqualTo(CertificateThumbprint.FromCertificate(Provider)));
    }

    [Test]
    public async Task Call_GoesToTheMtlsAlias_WhenDiscoveryPublishesOne()
    {
        ValidatorHarness rs = NewValidator();

        await rs.ValidateAsync("Bearer " + Server.IssueToken(A), A);

        Assert.That(Server.Introspections.Single().Path, Is.EqualTo("/mtls/introspect"));
        Assert.That(Server.DiscoveryCount, Is.EqualTo(1));
    }

    [Test]
    public async Task ConfiguredEndpoint_IsUsedWithoutDiscovery()
    {
        ValidatorHarness rs = NewValidator(o => o.IntrospectionEndpoint = Server.IntrospectionEndpoint.ToString());

        FapiVerdict verdict = await rs.ValidateAsync("Bearer " + Server.IssueToken(A), A);

        Assert.That(verdict.Succeeded, Is.True);
        Assert.That(Server.Introspections.Single().Path, Is.EqualTo("/introspect"));
        Assert.That(Server.DiscoveryCount, Is.Zero);
    }

    [Test]
    public async Task ConfiguredEndpoint_WithExpectedIssuer_ChecksIss()
    {
        ValidatorHarness rs = NewValidator(o =>
        {
            o.IntrospectionEndpoint = Server.IntrospectionEndpoint.ToString();
            o.ExpectedIssuer = "https://auth.directory.example";
        });

        FapiVerdict verdict = await rs.ValidateAsync("Bearer " + Server.IssueToken(A), A);

        Assert.That(verdict.Failure?.Reason, Is.EqualTo(FapiFailureReason.IssuerMismatch));
    }

    [Test]
    public async Task Discovery_IsFetchedOnce_ForManyRequests()
    {
        ValidatorHarness rs = NewValidator();

        for (int i = 0; i < 3; i++)
        {
            await rs.ValidateAsync("Bearer " + Server.IssueToken(A), A);
        }

        Assert.That(Server.DiscoveryCount, Is.EqualTo(1));
        Assert.That(Server.IntrospectionCount, Is.EqualTo(3));
    }

    [Test]
    public async Task DiscoveryOutage_Is503_AndRecoversWithoutRestart()
    {
        ValidatorHarness rs = NewValidator(o => o.IntrospectionRetryCount = 0);
        Server.DiscoveryResponse = FakeIntrospectionResponse.Status(500);
        string token = Server.IssueToken(A);

        FapiVerdict during = await rs.ValidateAsync("Bearer " + token, A);
        Server.DiscoveryResponse = null;
        FapiVerdict after = await rs.ValidateAsync("Bearer " + token, A);

        Assert.That(during.StatusCode, Is.EqualTo(503));
        Assert.That(during.Failure!.RetryAfterHeaderValue, Is.EqualTo("5"));
        Assert.That(after.Succeeded, Is.True);
        Assert.That(Server.DiscoveryCount, Is.EqualTo(2));
    }

    [TestCase("{\"issuer\":\"x\"}")]
    [TestCase("{\"issuer\":\"x\",\"introspection_endpoint\":\"http://plain.example/introspect\"}")]
    [TestCase("not json")]
    [TestCase("[1,2]")]
    public async Task UnusableDiscoveryDocument_Is503(string document)
    {
        ValidatorHarness rs = NewValidator();
        Server.DiscoveryResponse = FakeIntrospectionResponse.Json(document);

        FapiVerdict verdict = await rs.ValidateAsync("Bearer " + Server.IssueToken(A), A);

        Assert.That(verdict.StatusCode, Is.EqualTo(503));
        Assert.That(Server.IntrospectionCount, Is.Zero);
    }

    [Test]
    public async Task DiscoveryRefreshFailure_KeepsTheOldDocument()
    {
        ValidatorHarness rs = NewValidator(o =>
        {
            o.DiscoveryRefreshInterval = TimeSpan.FromMinutes(1);
            o.IntrospectionRetryCount = 0;
        });
        await rs.ValidateAsync("Bearer " + Server.IssueToken(A), A);
        Server.DiscoveryResponse = FakeIntrospectionResponse.Status(503);
        Time.Advance(TimeSpan.FromMinutes(2));

        FapiVerdict verdict = await rs.ValidateAsync("Bearer " + Server.IssueToken(A), A);

        Assert.That(verdict.Succeeded, Is.True);
        Assert.That(Server.DiscoveryCount, Is.EqualTo(2));
    }

    [TestCase(500)]
    [TestCase(502)]
    [TestCase(429)]
    [TestCase(404)]
    [TestCase(302)]
    public async Task ErrorStatus_Is503(int status)
    {
        ValidatorHarness rs = NewValidator();
        string token = FakeAuthorizationServer.NewToken();
        Server.SetResponse(token, FakeIntrospectionResponse.Status(status));

        FapiVerdict verdict = await rs.ValidateAsync("Bearer " + token, A);

        Assert.That(verdict.StatusCode, Is.EqualTo(503));
        Assert.That(verdict.Failure!.Error, Is.EqualTo("temporarily_unavailable"));
        Assert.That(verdict.Failure.WwwAuthenticate, Is.Null);
        Assert.That(verdict.Failure.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(5)));
    }

    [Test]
    public async Task OurCredentialsRefused_Is503_LoggedAsCritical()
    {
        await using FakeAuthorizationServer strict = await FakeAuthorizationServer.StartAsync(new FakeAuthorizationServerOptions
        {
            TimeProvider = Time,
            IntrospectionClientId = "someone-else",
        });
        await using ValidatorHarness rs = ValidatorHarness.Create(strict, Time);

        FapiVerdict verdict = await rs.ValidateAsync("Bearer " + strict.IssueToken(A), A);

        Assert.That(verdict.StatusCode, Is.EqualTo(503));
        Assert.That(rs.Logs.GetSnapshot().Any(r => r.Level == LogLevel.Critical && r.Message.Contains("refused", StringComparison.Ordinal)), Is.True);
    }

    [Test]
    public async Task OtherClientCertificate_IsRefusedByTheServer_AndIs503()
    {
        await using FakeAuthorizationServer strict = await FakeAuthorizationServer.StartAsync(new FakeAuthorizationServerOptions
        {
            TimeProvider = Time,
            IntrospectionClientCertificate = B,
        });
        await using ValidatorHarness rs = ValidatorHarness.Create(strict, Time);

        FapiVerdict verdict = await rs.ValidateAsync("Bearer " + strict.IssueToken(A), A);

        Assert.That(verdict.StatusCode, Is.EqualTo(503));
        Assert.That(strict.IntrospectionCount, Is.EqualTo(1));
    }

    [TestCase("<html>oops</html>", "text/html")]
    [TestCase("{\"active\":true}", "application/jwt")]
    [TestCase("{\"active\":true}", "text/plain")]
    [TestCase("[{\"active\":true}]", "application/json")]
    [TestCase("\"active\"", "application/json")]
    [TestCase("null", "application/json")]
    [TestCase("{\"active\":tr", "application/json")]
    [TestCase("", "application/json")]
    [TestCase("{\"active\":false,\"active\":true}", "application/json")]
    public async Task UnusableBody_Is503(string body, string contentType)
    {
        ValidatorHarness rs = NewValidator();
        string token = FakeAuthorizationServer.NewToken();
        Server.SetResponse(token, FakeIntrospectionResponse.Json(body, contentType));

        Assert.That((await rs.ValidateAsync("Bearer " + token, A)).StatusCode, Is.EqualTo(503));
    }

    [Test]
    public async Task TooDeepJson_Is503()
    {
        ValidatorHarness rs = NewValidator();
        string token = FakeAuthorizationServer.NewToken();
        string deep = "{\"active\":true,\"x\":" + new string('[', 20) + new string(']', 20) + "}";
        Server.SetResponse(token, FakeIntrospectionResponse.Json(deep));

        Assert.That((await rs.ValidateAsync("Bearer " + token, A)).StatusCode, Is.EqualTo(503));
    }

    [Test]
    public async Task OversizedBody_Is503()
    {
        ValidatorHarness rs = NewValidator();
        string token = FakeAuthorizationServer.NewToken();
        Server.SetResponse(token, FakeIntrospectionResponse.Json("{\"active\":true,\"pad\":\"" + new string('x', 70_000) + "\"}"));

        Assert.That((await rs.ValidateAsync("Bearer " + token, A)).StatusCode, Is.EqualTo(503));
    }

    [Test]
    public async Task DroppedConnection_Is503()
    {
        ValidatorHarness rs = NewValidator();
        string token = FakeAuthorizationServer.NewToken();
        Server.SetResponse(token, FakeIntrospectionResponse.Abort());

        Assert.That((await rs.ValidateAsync("Bearer " + token, A)).StatusCode, Is.EqualTo(503));
    }

    [Test]
    public async Task ServerThatNeverAnswers_Is503_WhenTheTimeoutElapses()
    {
        ValidatorHarness rs = NewValidator();
        string token = FakeAuthorizationServer.NewToken();
        Server.SetResponse(token, FakeIntrospectionResponse.Hang());
        ValueTask<FapiVerdict> pending = rs.ValidateAsync("Bearer " + token, A);
        await Server.WaitForIntrospectionsAsync(1);
        Assert.That(pending.IsCompleted, Is.False);

        Time.Advance(TimeSpan.FromSeconds(5));
        FapiVerdict verdict = await pending;

        Assert.That(verdict.StatusCode, Is.EqualTo(503));
    }

    [Test]
    public async Task ConnectionRefused_Is503()
    {
        // A port bound but never listened on refuses connections, and stays ours for the whole test.
        using var bound = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        bound.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        int closedPort = ((IPEndPoint)bound.LocalEndPoint!).Port;

        ValidatorHarness rs = NewValidator(o => o.Issuer = $"https://localhost:{closedPort}/");

        Assert.That((await rs.ValidateAsync("Bearer " + FakeAuthorizationServer.NewToken(), A)).StatusCode, Is.EqualTo(503));
    }

    [Test]
    public async Task ServerCertificateForAnotherHostName_Is503_AndTheTokenIsNeverSent()
    {
        using TestCertificateAuthority ca = TestCertificateAuthority.Create("Other host CA");
        await using FakeAuthorizationServer wrongHost = await FakeAuthorizationServer.StartAsync(new FakeAuthorizationServerOptions
        {
            TimeProvider = Time,
            Authority = ca,
            ServerCertificate = IssueFor(ca, "evil.test"),
        });
        await using ValidatorHarness rs = ValidatorHarness.Create(wrongHost, Time, o => o.Issuer = wrongHost.BaseAddress.ToString());

        FapiVerdict verdict = await rs.ValidateAsync("Bearer " + wrongHost.IssueToken(A), A);

        Assert.That(verdict.StatusCode, Is.EqualTo(503));
        Assert.That(wrongHost.DiscoveryCount + wrongHost.IntrospectionCount, Is.Zero);
    }

    [Test]
    public async Task UntrustedServerCertificate_Is503()
    {
        ValidatorHarness rs = NewValidator(o => o.AuthorizationServerCaCertificates.Clear());

        FapiVerdict verdict = await rs.ValidateAsync("Bearer " + Server.IssueToken(A), A);

        Assert.That(verdict.StatusCode, Is.EqualTo(503));
        Assert.That(Server.IntrospectionCount, Is.Zero);
    }

    private static X509Certificate2 IssueFor(TestCertificateAuthority ca, string host)
    {
        // A certificate for another name only: no localhost, no loopback address.
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={host}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(host);
        request.CertificateExtensions.Add(san.Build());
        using var issued = request.Create(ca.Certificate, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(1), [1, 2, 3, 4]);
        return issued.CopyWithPrivateKey(key);
    }
}
