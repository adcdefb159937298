using System.Net;
using System.Security.Cryptography.X509Certificates;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
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
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
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
    private RequestDelegate _routed = null!;
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
        _routed = Build(_app, b => b.UseRouting().UseEndpoints(endpoints =>
        {
            endpoints.MapGet("/small", () => Results.Ok());
            endpoints.MapGet("/fapi/small", () => Results.Ok()).RequireFapi("energy:read");
        }));
        _scopes = _app.Services.GetRequiredService<IServiceScopeFactory>();
        DefaultHttpContext probe = NewContext(_app.Services);
        await _validated(probe);
        DefaultHttpContext filterProbe = NewContext(_app.Services, "/fapi/small");
        await _routed(filterProbe);
        await using AsyncServiceScope scope = _scopes.CreateAsyncScope();
        DefaultHttpContext authProbe = NewContext(scope.ServiceProvider);
        await _authenticated(authProbe);
        if (probe.Response.StatusCode != 200 || filterProbe.Response.StatusCode != 200 || authProbe.User.Identity?.IsAuthenticated != true)
        {
            throw new InvalidOperationException($"the benchmark requests are not accepted: {probe.Response.StatusCode}, filter {filterProbe.Response.StatusCode}, authenticated {authProbe.User.Identity?.IsAuthenticated}");
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
    private async Task RunAsync(RequestDelegate pipeline, string path = "/small")
    {
        await using AsyncServiceScope scope = _scopes.CreateAsyncScope();
        await pipeline(NewContext(scope.ServiceProvider, path));
    }

    private DefaultHttpContext NewContext(IServiceProvider services, string path = "/small")
    {
        var context = new DefaultHttpContext { RequestServices = services };
        context.Request.Method = "GET";
        context.Request.Path = path;
        context.Request.Headers.Authorization = "Bearer " + _token;
        context.Request.Headers["X-OE-CLIENT-CERT"] = _certificateHeader;
        context.Connection.RemoteIpAddress = IPAddress.Loopback;
        context.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(Stream.Null));
        return context;
    }

    [Benchmark(Baseline = true, Description = "pipeline without FAPI")]
    [BenchmarkCategory("middleware")]
    public Task Bare() => RunAsync(_bare);

    [Benchmark(Description = "FAPI headers only (Date, interaction id, log scope)")]
    [BenchmarkCategory("middleware")]
    public Task HeadersOnly() => RunAsync(_headersOnly);

    [Benchmark(Description = "UseOpenEnergyFapi, cache hit, forwarded PEM header")]
    [BenchmarkCategory("middleware")]
    public Task Validated() => RunAsync(_validated);

    [Benchmark(Description = "UseFapiHeaders + UseOpenEnergyFapi (as the sample), cache hit")]
    [BenchmarkCategory("middleware")]
    public Task HeadersAndValidated() => RunAsync(_headersAndValidated);

    [Benchmark(Description = "authentication handler (ClaimsPrincipal), cache hit, forwarded PEM header")]
    [BenchmarkCategory("middleware")]
    public Task Authenticated() => RunAsync(_authenticated);

    [Benchmark(Baseline = true, Description = "minimal API endpoint without FAPI")]
    [BenchmarkCategory("endpoint")]
    public Task Endpoint() => RunAsync(_routed);

    [Benchmark(Description = "minimal API endpoint with RequireFapi, cache hit, forwarded PEM header")]
    [BenchmarkCategory("endpoint")]
    public Task EndpointWithFilter() => RunAsync(_routed, "/fapi/small");
}
