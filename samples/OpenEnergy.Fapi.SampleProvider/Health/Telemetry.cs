using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace OpenEnergy.Fapi.SampleProvider.Health;

/// <summary>
/// OpenTelemetry export, only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the exporter's own variable, which
/// also reaches configuration): the validator's spans and metrics with ASP.NET Core's request spans as their
/// parents, sent over OTLP. Without it nothing is registered and nothing is exported.
/// </summary>
internal static class Telemetry
{
    public const string EndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static void AddIfConfigured(WebApplicationBuilder builder)
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration[EndpointVariable]))
        {
            return;
        }

        builder.Services.AddOpenTelemetry()
            .WithTracing(tracing => tracing
                .AddSource(FapiDefaults.ActivitySourceName, "Microsoft.AspNetCore")
                .AddOtlpExporter())
            .WithMetrics(metrics => metrics
                .AddMeter(FapiDefaults.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel")
                .AddOtlpExporter());
    }
}
