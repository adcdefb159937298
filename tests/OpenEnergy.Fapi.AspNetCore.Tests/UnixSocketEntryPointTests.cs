using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenEnergy.Fapi.AspNetCore.Endpoints;
using OpenEnergy.Fapi.AspNetCore.Tests.Support;
using OpenEnergy.Fapi.Testing;
using static OpenEnergy.Fapi.AspNetCore.Tests.Support.TestDirectory;

namespace OpenEnergy.Fapi.AspNetCore.Tests;

/// <summary>
/// nginx on a UNIX socket, forwarding the certificate, trusted by default through every entry point, with only
/// the registrations the package's readme shows (no <c>AddOpenEnergyFapiHttp</c>).
/// </summary>
internal sealed class UnixSocketEntryPointTests
{
    private FakeAuthorizationServer _server = null!;
    private WebApplication _app = null!;
    private string _socket = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _server = await FakeAuthorizationServer.StartAsync();
        _socket = Path.Combine(Path.GetTempPath(), "oe-fapi-" + Guid.NewGuid().ToString("N")[..12] + ".sock");
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddOpenEnergyFapi(o =>
        {
            o.UseAuthorizationServer(_server);
            o.ClientCertificateHeader = "X-OE-CLIENT-CERT";
        });
        builder.Services.AddAuthentication().AddOpenEnergyFapi();
        builder.Services.AddAuthorization(o => o.AddFapiScopePolicy("s1", "s1"));
        builder.Services.AddControllers().AddApplicationPart(typeof(UnixSocketEntryPointTests).Assembly);
        builder.WebHost.ConfigureKestrel(k => k.ListenUnixSocket(_socket));
        _app = builder.Build();
        _app.MapGet("/v1/data", (FapiCaller caller) => "filter:" + caller.Consumer!.ClientId).RequireFapi("s1");
        _app.Map("/mw", branch =>
        {
            branch.UseOpenEnergyFapi("s1");
            branch.Run(context => context.Response.WriteAsync("middleware"));
        });
        _app.UseAuthentication();
        _app.UseAuthorization();
        _app.MapGet("/authz", () => "handler").RequireAuthorization("s1");
        _app.MapControllers();
        await _app.StartAsync();
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _app.DisposeAsync();
        await _server.DisposeAsync();
        File.Delete(_socket);
    }

    [TestCase("/v1/data")]
    [TestCase("/mw/x")]
    [TestCase("/authz")]
    [TestCase("/controller")]
    public async Task ForwardedCertificate_OverAUnixSocket_IsTrustedByEveryEntryPoint(string path)
    {
        using HttpClient client = UnixSocketClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("X-OE-CLIENT-CERT", Uri.EscapeDataString(A.ExportCertificatePem() + "\n"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _server.IssueToken(A, "s1", "client-a"));

        using HttpResponseMessage response = await client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task SameRequestWithoutTheCertificateHeader_IsInvalidToken()
    {
        using HttpClient client = UnixSocketClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/data");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _server.IssueToken(A, "s1"));

        using HttpResponseMessage response = await client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    private HttpClient UnixSocketClient()
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(_socket), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        return new HttpClient(handler) { BaseAddress = new Uri("http://localhost/") };
    }
}
