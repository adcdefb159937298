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

        string urls = builder.Configuration[WebHostDefaults.ServerUrlsKey] is { Length: > 0 } configured ? configured : "http://localhost:5000";
        builder.WebHost.UseUrls([.. urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), .. endpoints.Select(e => "http://" + e)]);
    }

    /// <summary>Maps the two paths, and confines the health listeners to them.</summary>
    public static void Use(WebApplication app, IReadOnlyList<IPEndPoint> healthListeners)
    {
        HashSet<int> healthPorts = [.. healthListeners.Select(e => e.Port)];
        if (healthPorts.Count > 0)
        {
            app.Use((context, next) =>
            {
                ConnectionInfo connection = context.Connection;
                bool onHealthListener = connection.LocalIpAddress is { } local && IPAddress.IsLoopback(local) && healthPorts.Contains(connection.LocalPort);
                if (onHealthListener && context.Request.Path != LivePath && context.Request.Path != ReadyPath)
                {
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    return Task.CompletedTask;
                }

                return next(context);
            });
        }

        app.UseHealthChecks(LivePath, new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync });
        app.UseHealthChecks(ReadyPath, new HealthCheckOptions { ResponseWriter = WriteAsync });
    }

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
