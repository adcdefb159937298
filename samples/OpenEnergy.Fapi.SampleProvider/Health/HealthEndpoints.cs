using System.Net;
using System.Text;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace OpenEnergy.Fapi.SampleProvider.Health;

/// <summary>
/// <c>/health/live</c> (the process answers) and <c>/health/ready</c> (the OpenEnergy.Fapi checks: 200 for Healthy
/// and Degraded, 503 for Unhealthy, the status and each check's description in the body). Neither needs a token:
/// they run before validation, which section 16.1's "validation before routing" is about for the data, not for
/// these. The plain-HTTP listeners of <c>Provider:HealthUrls</c> serve these two paths and nothing else.
/// </summary>
internal static class HealthEndpoints
{
    public const string LivePath = "/health/live";
    public const string ReadyPath = "/health/ready";

    /// <summary>Adds the listeners of <c>Provider:HealthUrls</c> beside the app's own, however those are configured.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="endpoints">The health endpoints.</param>
    /// <param name="listensInCode">Whether the app's own endpoints are set in code (dev mode), which makes Kestrel ignore URLs.</param>
    public static void AddListeners(WebApplicationBuilder builder, IReadOnlyList<IPEndPoint> endpoints, bool listensInCode)
    {
        if (endpoints.Count == 0)
        {
            return;
        }

        // Kestrel uses endpoints from code or from Kestrel:Endpoints when there are any, and URLs only otherwise:
        // the health listeners join whichever kind the app uses, never replacing the others.
        bool socketActivated = Environment.GetEnvironmentVariable("LISTEN_PID") == Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (listensInCode || socketActivated)
        {
            builder.WebHost.ConfigureKestrel(kestrel =>
            {
                foreach (IPEndPoint endpoint in endpoints)
                {
                    kestrel.Listen(endpoint);
                }
            });
            return;
        }

        if (builder.Configuration.GetSection("Kestrel:Endpoints").GetChildren().Any())
        {
            for (int i = 0; i < endpoints.Count; i++)
            {
                builder.Configuration[$"Kestrel:Endpoints:OpenEnergyHealth{i}:Url"] = "http://" + endpoints[i];
            }

            return;
        }

        builder.WebHost.UseUrls([.. AppUrls(builder.Configuration), .. endpoints.Select(e => "http://" + e)]);
    }

    // What Kestrel would listen on without the health listeners: the URLs, else the HTTP(S)_PORTS variables (set by
    // the official container images), else its own default.
    private static string[] AppUrls(ConfigurationManager configuration)
    {
        const StringSplitOptions Split = StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries;
        if (configuration[WebHostDefaults.ServerUrlsKey] is { Length: > 0 } urls)
        {
            return urls.Split(';', Split);
        }

        string[] http = (configuration[WebHostDefaults.HttpPortsKey] ?? "").Split(';', Split);
        string[] https = (configuration[WebHostDefaults.HttpsPortsKey] ?? "").Split(';', Split);
        return http.Length + https.Length > 0
            ? [.. http.Select(p => "http://*:" + p), .. https.Select(p => "https://*:" + p)]
            : ["http://localhost:5000"];
    }

    /// <summary>
    /// Maps the two paths. With health listeners, health is served there only (the data listeners then treat
    /// <c>/health/*</c> like any other path: validation first), and the health listeners serve nothing else.
    /// </summary>
    public static void Use(WebApplication app, IReadOnlyList<IPEndPoint> healthListeners)
    {
        HashSet<int> healthPorts = [.. healthListeners.Select(e => e.Port)];
        if (healthPorts.Count == 0)
        {
            MapHealth(app);
            return;
        }

        app.UseWhen(
            context => OnHealthListener(context, healthPorts),
            health =>
            {
                MapHealth(health);
                health.Run(context =>
                {
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    return Task.CompletedTask;
                });
            });
    }

    private static void MapHealth(IApplicationBuilder app)
    {
        app.UseHealthChecks(LivePath, new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync });
        app.UseHealthChecks(ReadyPath, new HealthCheckOptions { ResponseWriter = WriteAsync });
    }

    private static bool OnHealthListener(HttpContext context, HashSet<int> healthPorts)
        => context.Connection.LocalIpAddress is { } local && IPAddress.IsLoopback(local) && healthPorts.Contains(context.Connection.LocalPort);

    // "Healthy", "Degraded" or "Unhealthy" on the first line, then one line per check.
    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        var body = new StringBuilder().Append(report.Status).Append('\n');
        foreach ((string name, HealthReportEntry entry) in report.Entries.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            body.Append(name).Append(": ").Append(entry.Status);
            if (!string.IsNullOrEmpty(entry.Description))
            {
                body.Append(" - ").Append(entry.Description);
            }

            body.Append('\n');
        }

        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsync(body.ToString());
    }
}
