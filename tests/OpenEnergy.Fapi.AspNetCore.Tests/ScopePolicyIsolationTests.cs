using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenEnergy.Fapi.AspNetCore.Authorization;
using OpenEnergy.Fapi.AspNetCore.Tests.Support;
using OpenEnergy.Fapi.Testing;
using static OpenEnergy.Fapi.AspNetCore.Tests.Support.TestDirectory;

namespace OpenEnergy.Fapi.AspNetCore.Tests;

/// <summary>
/// A FAPI scope policy is met only by the identity FAPI validation produced for the request, never by another
/// scheme's principal carrying <c>scope</c> claims (a JWT bearer, here a stand-in scheme that trusts a header).
/// </summary>
internal sealed class ScopePolicyIsolationTests
{
    private FakeAuthorizationServer _server = null!;
    private WebApplication _app = null!;
    private HttpClient _client = null!;
    private readonly Microsoft.Extensions.Logging.Testing.FakeLogCollector _logs = new();

    [OneTimeSetUp]
    public async Task Start()
    {
        _server = await FakeAuthorizationServer.StartAsync();
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders().AddProvider(new Microsoft.Extensions.Logging.Testing.FakeLoggerProvider(_logs));
        builder.Services.AddOpenEnergyFapi(o =>
        {
            o.UseAuthorizationServer(_server);
            o.ClientCertificateHeader = "X-OE-CLIENT-CERT";
        });
        builder.Services.AddAuthentication("Jwt")
            .AddScheme<AuthenticationSchemeOptions, HeaderScopeHandler>("Jwt", null)
            .AddOpenEnergyFapi();
        builder.Services.AddAuthorization(o =>
        {
            o.AddFapiScopePolicy("energy-read", "energy:read");
            // A policy built by hand: the requirement alone, no scheme named.
            o.AddPolicy("bare", new AuthorizationPolicyBuilder().RequireAuthenticatedUser().AddRequirements(new FapiScopeRequirement(["energy:read"])).Build());
        });
        builder.Services.AddControllers().AddApplicationPart(typeof(ScopePolicyIsolationTests).Assembly);
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        _app.UseAuthentication();
        _app.UseAuthorization();
        _app.MapGet("/bare", () => "bare").RequireAuthorization("bare");
        _app.MapControllers();
        await _app.StartAsync();
        var address = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        _client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{address.Port}/") };
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _client.Dispose();
        await _app.DisposeAsync();
        await _server.DisposeAsync();
    }

    [TestCase("/jwt-controller")]
    [TestCase("/bare")]
    public async Task AnotherSchemesScopeClaims_WithoutAFapiToken_AreRefused(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation(HeaderScopeHandler.Header, "energy:read");

        using HttpResponseMessage response = await _client.SendAsync(request);

        Assert.That(response.StatusCode, Is.AnyOf(HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Not.Contain("served"));
    }

    [Test]
    public async Task FapiTokenWithTheScope_OnTheSameController_IsServed()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/jwt-controller");
        request.Headers.TryAddWithoutValidation(HeaderScopeHandler.Header, "energy:read");
        request.Headers.TryAddWithoutValidation("X-OE-CLIENT-CERT", Uri.EscapeDataString(A.ExportCertificatePem() + "\n"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _server.IssueToken(A, "energy:read"));

        using HttpResponseMessage response = await _client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("served"));
    }

    [Test]
    public async Task FapiSchemeChallengedBeforeAnotherScheme_Is401WithItsBody_AndNoUnhandledException()
    {
        // The controller's FAPI policy comes first, the action's other scheme second: ASP.NET Core challenges both.
        using var request = new HttpRequestMessage(HttpMethod.Get, "/fapi-first-controller");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _server.IssueToken(A, "energy:read"));

        using HttpResponseMessage response = await _client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(response.Headers.WwwAuthenticate.ToString(), Does.Contain("error=\"invalid_token\""));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("\"error\":\"invalid_token\""));
        // Under Kestrel a second scheme setting the status of a started response fails after the client got it.
        Assert.That(_logs.GetSnapshot().Where(r => r.Level >= LogLevel.Error).Select(r => r.Message + r.Exception), Is.Empty);
    }

    /// <summary>A stand-in for JwtBearer: authenticates anyone who sends scopes in a header.</summary>
    private sealed class HeaderScopeHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        public const string Header = "X-Test-Jwt-Scope";

        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            if (!Request.Headers.TryGetValue(Header, out var scopes))
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            var identity = new ClaimsIdentity([new Claim("sub", "jwt-user"), .. scopes.ToString().Split(' ').Select(s => new Claim(FapiClaimTypes.Scope, s))], Scheme.Name);
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
        }
    }
}

/// <summary>A controller of another scheme with an action under a FAPI scope policy.</summary>
[Microsoft.AspNetCore.Mvc.ApiController]
[Microsoft.AspNetCore.Mvc.Route("jwt-controller")]
[Authorize(AuthenticationSchemes = "Jwt")]
public sealed class JwtSchemeController : Microsoft.AspNetCore.Mvc.ControllerBase
{
    /// <summary>Served only to a FAPI token with energy:read.</summary>
    [Microsoft.AspNetCore.Mvc.HttpGet]
    [Authorize(Policy = "energy-read")]
    public Microsoft.AspNetCore.Mvc.ActionResult<string> Get() => Ok("served");
}

/// <summary>A FAPI-policy controller whose action also names another scheme (challenged after FAPI).</summary>
[Microsoft.AspNetCore.Mvc.ApiController]
[Microsoft.AspNetCore.Mvc.Route("fapi-first-controller")]
[Authorize(Policy = "energy-read")]
public sealed class FapiFirstController : Microsoft.AspNetCore.Mvc.ControllerBase
{
    /// <summary>Served only to a FAPI token with energy:read and the other scheme.</summary>
    [Microsoft.AspNetCore.Mvc.HttpGet]
    [Authorize(AuthenticationSchemes = "Jwt")]
    public Microsoft.AspNetCore.Mvc.ActionResult<string> Get() => Ok("served");
}
