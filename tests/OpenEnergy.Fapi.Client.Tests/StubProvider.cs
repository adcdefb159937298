using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenEnergy.Fapi.SampleProvider.Tests.Support;

namespace OpenEnergy.Fapi.Client.Tests;

/// <summary>A provider that answers every request as told (a status and headers), over https on loopback, counting requests.</summary>
internal sealed class StubProvider : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;

    private StubProvider(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public int Requests => Volatile.Read(ref _requests);

    public static async Task<StubProvider> StartAsync(int status, Action<HttpResponse>? headers = null)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(SampleHost.Server)));
        WebApplication app = builder.Build();
        var stub = new StubProvider(app);
        app.Run(context =>
        {
            Interlocked.Increment(ref stub._requests);
            context.Response.StatusCode = status;
            headers?.Invoke(context.Response);
            return Task.CompletedTask;
        });
        await app.StartAsync();
        int port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
        stub.BaseAddress = new Uri($"https://localhost:{port}/");
        return stub;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
