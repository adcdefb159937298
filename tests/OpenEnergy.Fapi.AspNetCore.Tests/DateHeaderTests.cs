using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using OpenEnergy.Fapi.AspNetCore.Tests.Support;

namespace OpenEnergy.Fapi.AspNetCore.Tests;

/// <summary>
/// The <c>Date</c> the adapter writes itself (a server such as Kestrel would otherwise add its own), through
/// an in-memory pipeline: it follows the application's <see cref="TimeProvider"/> second by second.
/// </summary>
public sealed class DateHeaderTests
{
    [Test]
    public async Task OnAFakeClock_DateFollowsTheClock()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 10, 0, 0, 500, TimeSpan.Zero));
        await using WebApplication app = BuildApp(clock);
        RequestDelegate pipeline = HeadersPipeline(app);

        Assert.That(await DateOfAsync(pipeline, app), Is.EqualTo("Sat, 28 Nov 2026 10:00:00 GMT"));
        clock.Advance(TimeSpan.FromMilliseconds(499));
        Assert.That(await DateOfAsync(pipeline, app), Is.EqualTo("Sat, 28 Nov 2026 10:00:00 GMT"));
        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.That(await DateOfAsync(pipeline, app), Is.EqualTo("Sat, 28 Nov 2026 10:00:01 GMT"));
        clock.Advance(TimeSpan.FromHours(25));
        Assert.That(await DateOfAsync(pipeline, app), Is.EqualTo("Sun, 29 Nov 2026 11:00:01 GMT"));
    }

    [Test]
    public async Task OnTheSystemClock_DateIsTheCurrentSecond()
    {
        await using WebApplication app = BuildApp(TimeProvider.System);
        RequestDelegate pipeline = HeadersPipeline(app);

        for (int i = 0; i < 3; i++)
        {
            DateTimeOffset before = DateTimeOffset.UtcNow;
            string date = await DateOfAsync(pipeline, app);
            DateTimeOffset after = DateTimeOffset.UtcNow;

            DateTimeOffset sent = DateTimeOffset.ParseExact(date, "r", CultureInfo.InvariantCulture);
            // Whole seconds, and never ahead of the clock; a few milliseconds late at a turn of the second.
            Assert.That(sent, Is.GreaterThanOrEqualTo(TruncateToSecond(before).AddSeconds(-1)).And.LessThanOrEqualTo(TruncateToSecond(after)), date);
        }
    }

    private static DateTimeOffset TruncateToSecond(DateTimeOffset value) => DateTimeOffset.FromUnixTimeSeconds(value.ToUnixTimeSeconds());

    private static WebApplication BuildApp(TimeProvider clock)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(clock);
        builder.Services.AddOpenEnergyFapi(o =>
        {
            o.Issuer = "https://as.example.test/";
            o.ClientId = "provider-client";
            o.ClientCertificate = TestDirectory.Provider;
        });
        builder.Services.AddOpenEnergyFapiHttp();
        return builder.Build();
    }

    private static RequestDelegate HeadersPipeline(WebApplication app)
    {
        IApplicationBuilder branch = ((IApplicationBuilder)app).New();
        branch.UseFapiHeaders();
        branch.Run(context => Task.CompletedTask);
        return branch.Build();
    }

    private static async Task<string> DateOfAsync(RequestDelegate pipeline, WebApplication app)
    {
        var context = new DefaultHttpContext { RequestServices = app.Services };
        context.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(Stream.Null));
        await pipeline(context);
        return context.Response.Headers.Date.ToString();
    }
}
