using System.Net;
using System.Security.Cryptography.X509Certificates;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenEnergy.Fapi.Testing;

namespace OpenEnergy.Fapi.Benchmarks;

/// <summary>
/// The ASP.NET Core adapter's cost: an in-memory request through the same pipeline with and without the
/// FAPI middleware (forwarded certificate header, warm introspection cache).
/// </summary>
[MemoryDiagnoser]
// This kind of machine is shared and noisy: the minimum and median say more than the mean.
[MinColumn]
[MedianColumn]
public class PipelineBenchmarks
{
    private BenchmarkAuthorizationServer _environment = null!;
    private WebApplication _app = null!;
    private RequestDelegate _bare = null!;
    private RequestDelegate _headersOnly = null!;
    private RequestDelegate _validated = null!;
    private RequestDelegate _authenticated = null!;
    private RequestDelegate _headersAndValidated = null!;
    private IServiceScopeFactory _scopes = null!;
    private string _token = null!;
    private string _certificateHeader = null!;

    [GlobalSetup]
    public async Task Setup()
    {
        _environment = await BenchmarkAuthorizationServer.StartAsync();
        X509Certificate2 client = _environment.Ca.IssueClientCertificate("consumer", algorithm: TestKeyAlgorithm.Rsa2048);
        _certificateHeader = Uri.EscapeDataString(client.ExportCertificatePem() + "\n");
        _token = _environment.Server.IssueToken(client, "energy:read", lifetime: TimeSpan.FromHours(2));

        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddOpenEnergyFapi(o =>
        {
            _environment.Configure(o);
            o.ClientCertificateHeader = "X-OE-CLIENT-CERT";
        });
        builder.Services.AddOpenEnergyFapiHttp();
        builder.Services.AddAuthentication(OpenEnergy.Fapi.AspNetCore.FapiAuthenticationDefaults.AuthenticationScheme).AddOpenEnergyFapi();
        _app = builder.Build();

        static Task Terminal(HttpContext context)
        {
            context.Response.StatusCode = 200;
            return Task.CompletedTask;
        }

        _bare = Build(_app, _ => { });
        _headersOnly = Build(_app, b => b.UseFapiHeaders());
        _validated = Build(_app, b => b.UseOpenEnergyFapi("energy:read"));
        _authenticated = Build(_app, b => b.UseAuthentication());
        _headersAndValidated = Build(_app, b => b.UseFapiHeaders().UseOpenEnergyFapi("energy:read"));
        _scopes = _app.Services.GetRequiredService<IServiceScopeFactory>();
        DefaultHttpContext probe = NewContext(_app.Services);
        await _validated(probe);
        await using AsyncServiceScope scope = _scopes.CreateAsyncScope();
        DefaultHttpContext authProbe = NewContext(scope.ServiceProvider);
        await _authenticated(authProbe);
        if (probe.Response.StatusCode != 200 || authProbe.User.Identity?.IsAuthenticated != true)
        {
            throw new InvalidOperationException($"the benchmark requests are not accepted: {probe.Response.StatusCode}, authenticated {authProbe.User.Identity?.IsAuthenticated}");
        }

        RequestDelegate Build(WebApplication app, Action<IApplicationBuilder> configure)
        {
            IApplicationBuilder branch = ((IApplicationBuilder)app).New();
            configure(branch);
            branch.Run(Terminal);
            return branch.Build();
        }
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _app.DisposeAsync();
        await _environment.DisposeAsync();
    }

    // Every request gets its own service scope, as under Kestrel: scoped services (the authentication handler
    // among them) must not carry one request's state into the next.
    private async Task RunAsync(RequestDelegate pipeline)
    {
        await using AsyncServiceScope scope = _scopes.CreateAsyncScope();
        await pipeline(NewContext(scope.ServiceProvider));
    }

    private DefaultHttpContext NewContext(IServiceProvider services)
    {
        var context = new DefaultHttpContext { RequestServices = services };
        context.Request.Method = "GET";
        context.Request.Path = "/small";
        context.Request.Headers.Authorization = "Bearer " + _token;
        context.Request.Headers["X-OE-CLIENT-CERT"] = _certificateHeader;
        context.Connection.RemoteIpAddress = IPAddress.Loopback;
        context.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(Stream.Null));
        return context;
    }

    [Benchmark(Baseline = true, Description = "pipeline without FAPI")]
    public Task Bare() => RunAsync(_bare);

    [Benchmark(Description = "FAPI headers only (Date, interaction id, log scope)")]
    public Task HeadersOnly() => RunAsync(_headersOnly);

    [Benchmark(Description = "UseOpenEnergyFapi, cache hit, forwarded PEM header")]
    public Task Validated() => RunAsync(_validated);

    [Benchmark(Description = "UseFapiHeaders + UseOpenEnergyFapi (as the sample), cache hit")]
    public Task HeadersAndValidated() => RunAsync(_headersAndValidated);

    [Benchmark(Description = "authentication handler (ClaimsPrincipal), cache hit, forwarded PEM header")]
    public Task Authenticated() => RunAsync(_authenticated);
}
