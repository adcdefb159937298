using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using OpenEnergy.Fapi.AspNetCore.Endpoints;
using OpenEnergy.Fapi.Configuration;
using OpenEnergy.Fapi.Testing;

namespace OpenEnergy.Fapi.AspNetCore.Tests.Support;

/// <summary>How the test provider receives client certificates.</summary>
internal enum CertificateIntake
{
    /// <summary>Kestrel terminates mutual TLS itself.</summary>
    DirectTls,

    /// <summary>Plain HTTP behind a (simulated) TLS-terminating proxy that forwards <c>X-OE-CLIENT-CERT</c>.</summary>
    ForwardedHeader,
}

/// <summary>
/// A real Kestrel provider on a loopback port, protected in every way the adapter offers:
/// <c>/v1/data</c> (minimal API, <c>RequireFapi("s1")</c>), <c>/mw/…</c> (middleware branch),
/// <c>/authz</c> (authentication handler + scope policy), <c>/controller</c> (an <c>[Authorize]</c> controller)
/// and <c>/open</c> (not protected).
/// </summary>
internal sealed class ProviderHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ProviderHost(WebApplication app, Uri baseAddress, CertificateIntake intake, FakeLogCollector logs)
    {
        _app = app;
        BaseAddress = baseAddress;
        Intake = intake;
        Logs = logs;
    }

    public Uri BaseAddress { get; }

    public CertificateIntake Intake { get; }

    public FakeLogCollector Logs { get; }

    public static async Task<ProviderHost> StartAsync(FakeAuthorizationServer server, CertificateIntake intake, Action<FapiOptions>? configure = null, Action<FapiHttpOptions>? http = null, X509Certificate2? serverCertificate = null)
    {
        var logs = new FakeLogCollector();
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders().SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(logs));
        builder.Services.AddOpenEnergyFapi(o =>
        {
            o.UseAuthorizationServer(server);
            o.TrustedClientCaPath = TestDirectory.CaBundlePath;
            if (intake == CertificateIntake.ForwardedHeader)
            {
                o.ClientCertificateHeader = "X-OE-CLIENT-CERT";
            }

            configure?.Invoke(o);
        });
        builder.Services.AddOpenEnergyFapiHttp(http);
        builder.Services.AddAuthentication(FapiAuthenticationDefaults.AuthenticationScheme).AddOpenEnergyFapi();
        builder.Services.AddAuthorization(o => o.AddFapiScopePolicy("s1", "s1").AddFapiRolePolicy("readers", "reader").AddFapiRolePolicy("writers", "writer"));
        builder.Services.AddControllers().AddApplicationPart(typeof(ProviderHost).Assembly);

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            if (intake == CertificateIntake.DirectTls)
            {
                kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(https =>
                {
                    https.ServerCertificate = serverCertificate ?? TestDirectory.Server;
                    https.ConfigureFapiMutualTls(
                        kestrel.ApplicationServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<FapiOptions>>().Value,
                        kestrel.ApplicationServices.GetRequiredService<OpenEnergy.Fapi.Certificates.TrustedClientAuthorities>());
                }));
            }
            else
            {
                kestrel.Listen(IPAddress.Loopback, 0);
            }
        });

        WebApplication app = builder.Build();
        app.UseFapiHeaders();
        app.MapGet("/open", () => "open");
        app.MapGet("/v1/data", (FapiCaller caller) => Results.Json(new { clientId = caller.Consumer!.ClientId, organisationId = caller.Consumer.OrganisationId, interactionId = caller.InteractionId }))
            .RequireFapi("s1");
        app.MapPost("/v1/data", (FapiCaller caller) => Results.Json(new { clientId = caller.Consumer!.ClientId })).RequireFapi("s1");
        app.MapPost("/v1/form", async (HttpContext context) => "form:" + (await context.Request.ReadFormAsync())["x"]).RequireFapi("s1");
        app.MapPost("/v1/json", (JsonPayload payload, FapiCaller caller) => "json:" + payload.Value).RequireFapi("s1");
        app.MapGet("/v1/s3", () => "s3").RequireFapi("s3");
        app.Map("/mw", branch =>
        {
            branch.UseOpenEnergyFapi("s1");
            branch.Run(context => context.Response.WriteAsync("middleware:" + context.Features.Get<Features.IFapiFeature>()!.Consumer!.ClientId));
        });
        // IB1 directory roles: an endpoint's own, a group's and an endpoint's together, a middleware branch.
        app.MapGet("/roles/reader", (FapiCaller caller) => "roles:" + string.Join(',', caller.Consumer!.Certificate!.Roles)).RequireFapi("s1").RequireFapiRole("reader");
        app.MapGet("/roles/writer", () => "writer").RequireFapi("s1").RequireFapiRole("writer");
        app.MapGet("/roles/alone", () => "roles without RequireFapi").RequireFapiRole("reader");
        Microsoft.AspNetCore.Routing.RouteGroupBuilder readers = app.MapGroup("/roles/group").RequireFapi("s1").RequireFapiRole("reader");
        readers.MapGet("/auditor", () => "reader and auditor").RequireFapiRole("writer", "auditor");
        readers.MapGet("/writer", () => "never").RequireFapiRole("writer");
        app.Map("/mw-roles", branch =>
        {
            branch.UseOpenEnergyFapi(["s1"], new Validation.FapiRoleRequirement("reader"));
            branch.Run(context => context.Response.WriteAsync("middleware roles"));
        });
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/authz-roles", (HttpContext context) => "claims:" + string.Join(',', context.User.FindAll(FapiClaimTypes.DirectoryRole).Select(c => c.Value)) + ";" + context.User.FindFirst(FapiClaimTypes.Application)?.Value)
            .RequireAuthorization("s1").RequireFapiRole("reader");
        app.MapGet("/authz-writer", () => "never").RequireAuthorization("s1").RequireFapiRole("writer");
        app.MapGet("/authz-policy-readers", () => "readers policy").RequireAuthorization("s1", "readers");
        app.MapGet("/authz-policy-writers", () => "never").RequireAuthorization("s1", "writers");
        app.MapGet("/authz-s3-writer", () => "never").RequireAuthorization(p => p.RequireFapiScope("s3").RequireFapiRole("writer"));
        app.MapGet("/authz", (HttpContext context) => "authz:" + context.User.FindFirst(FapiClaimTypes.OrganisationId)!.Value).RequireAuthorization("s1");
        app.MapGet("/authz-s3", () => "never").RequireAuthorization(p => p.RequireFapiScope("s3"));
        app.MapControllers();

        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var uri = new Uri(address);
        string scheme = intake == CertificateIntake.DirectTls ? "https" : "http";
        return new ProviderHost(app, new Uri($"{scheme}://localhost:{uri.Port}/"), intake, logs);
    }

    /// <summary>A client presenting <paramref name="certificate"/> the way this host expects it.</summary>
    public HttpClient Client(X509Certificate2? certificate)
    {
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, _, _) => cert is not null && cert.GetCertHashString() == TestDirectory.Server.GetCertHashString();
        if (Intake == CertificateIntake.DirectTls && certificate is not null)
        {
            handler.SslOptions.ClientCertificates = [certificate];
            handler.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => certificate;
        }

        var client = new HttpClient(handler) { BaseAddress = BaseAddress };
        if (Intake == CertificateIntake.ForwardedHeader && certificate is not null)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation("X-OE-CLIENT-CERT", Uri.EscapeDataString(certificate.ExportCertificatePem() + "\n"));
        }

        return client;
    }

    public static HttpRequestMessage Get(string path, string? token, string? interactionId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
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

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>An MVC controller protected by a scope policy.</summary>
[Microsoft.AspNetCore.Mvc.ApiController]
[Microsoft.AspNetCore.Mvc.Route("controller")]
[Authorize(Policy = "s1")]
public sealed class ProtectedController : Microsoft.AspNetCore.Mvc.ControllerBase
{
    /// <summary>Returns the caller's client id.</summary>
    [Microsoft.AspNetCore.Mvc.HttpGet]
    public string Get() => "controller:" + User.FindFirst(FapiClaimTypes.ClientId)!.Value;
}

/// <summary>A JSON body a minimal API binds.</summary>
/// <param name="Value">Any text.</param>
public sealed record JsonPayload(string Value);
