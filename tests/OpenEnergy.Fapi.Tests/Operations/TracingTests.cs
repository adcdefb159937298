using System.Diagnostics;
using OpenEnergy.Fapi.Certificates;
using OpenEnergy.Fapi.Tests.Support;
using OpenEnergy.Fapi.Validation;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using static OpenEnergy.Fapi.Tests.Support.Certificates;

namespace OpenEnergy.Fapi.Tests.Operations;

/// <summary>
/// Spans on the <c>OpenEnergy.Fapi</c> source and the meter's instruments, through OpenTelemetry's in-memory exporter.
/// Each test runs under a root span of its own and reads only its trace, since the source is process-wide.
/// </summary>
public class TracingTests
{
    private static readonly ActivitySource TestSource = new("OpenEnergy.Fapi.Tests.Tracing");

    [Test]
    public async Task Validation_IsASpan_WithVerdictAndCacheLevel_AndIntrospectionAndDiscoveryAreItsChildren()
    {
        var exported = new List<Activity>();
        using TracerProvider tracer = Tracer(exported);
        await using ValidatorHarness harness = await ValidatorHarness.StartAsync();
        string token = harness.Server.IssueToken(A, "energy:read");

        ActivityTraceId trace;
        using (Activity root = TestSource.StartActivity("request")!)
        {
            trace = root.TraceId;
            Assert.That((await harness.ValidateAsync("Bearer " + token, A, "energy:read")).Succeeded, Is.True);
            Assert.That((await harness.ValidateAsync("Bearer " + token, A, "energy:read")).Succeeded, Is.True);
            Assert.That((await harness.ValidateAsync("Bearer " + token, B, "energy:read")).Succeeded, Is.False);
        }

        tracer.ForceFlush();
        List<Activity> mine = exported.Where(a => a.TraceId == trace).ToList();
        List<Activity> validations = mine.Where(a => a.OperationName == "openenergy.fapi.validate").ToList();
        Assert.That(validations, Has.Count.EqualTo(3));
        Assert.That(validations.Select(v => v.GetTagItem("openenergy.fapi.cache")), Is.EqualTo(new object[] { "introspection", "memory", "memory" }));
        Assert.That(validations.Select(v => v.GetTagItem("openenergy.fapi.verdict")), Is.EqualTo(new object[] { "accepted", "accepted", "rejected" }));
        Assert.That(validations[2].GetTagItem("openenergy.fapi.reason"), Is.EqualTo(nameof(FapiFailureReason.CertificateMismatch)));
        Assert.That(validations[2].GetTagItem("openenergy.fapi.status_code"), Is.EqualTo(401));

        Activity introspection = mine.Single(a => a.OperationName == "openenergy.fapi.introspect");
        Assert.That(introspection.ParentSpanId, Is.EqualTo(validations[0].SpanId));
        Assert.That(introspection.GetTagItem("openenergy.fapi.outcome"), Is.EqualTo("active"));
        Assert.That(introspection.GetTagItem("openenergy.fapi.attempts"), Is.EqualTo(1));
        Assert.That(introspection.GetTagItem("http.response.status_code"), Is.EqualTo(200));
        Assert.That(mine.Count(a => a.OperationName == "openenergy.fapi.discovery"), Is.EqualTo(1));

        // No token and no certificate in any span; no thumbprint unless asked for.
        string everything = string.Join("|", mine.SelectMany(a => a.TagObjects.Select(t => t.Key + "=" + t.Value)));
        Assert.That(everything, Does.Not.Contain(token));
        Assert.That(everything, Does.Not.Contain(CertificateThumbprint.FromCertificate(A).ToString()));
        Assert.That(everything, Does.Not.Contain("BEGIN"));
    }

    [Test]
    public async Task TraceThumbprints_AddsThePresentedThumbprint()
    {
        var exported = new List<Activity>();
        using TracerProvider tracer = Tracer(exported);
        await using ValidatorHarness harness = await ValidatorHarness.StartAsync(configure: o => o.TraceThumbprints = true);
        string token = harness.Server.IssueToken(A, "energy:read");

        ActivityTraceId trace;
        using (Activity root = TestSource.StartActivity("request")!)
        {
            trace = root.TraceId;
            _ = await harness.ValidateAsync("Bearer " + token, A, "energy:read");
        }

        tracer.ForceFlush();
        Activity validation = exported.Single(a => a.TraceId == trace && a.OperationName == "openenergy.fapi.validate");
        Assert.That(validation.GetTagItem("openenergy.fapi.client_certificate.thumbprint"), Is.EqualTo(CertificateThumbprint.FromCertificate(A).ToString()));
    }

    [Test]
    public async Task UnavailableAuthorizationServer_MarksTheSpansAsErrors()
    {
        var exported = new List<Activity>();
        using TracerProvider tracer = Tracer(exported);
        await using ValidatorHarness harness = await ValidatorHarness.StartAsync();
        string token = harness.Server.IssueToken(A, "energy:read");
        harness.Server.SetResponse(token, OpenEnergy.Fapi.Testing.FakeIntrospectionResponse.Status(500));

        ActivityTraceId trace;
        using (Activity root = TestSource.StartActivity("request")!)
        {
            trace = root.TraceId;
            Assert.That((await harness.ValidateAsync("Bearer " + token, A, "energy:read")).StatusCode, Is.EqualTo(503));
        }

        tracer.ForceFlush();
        Activity validation = exported.Single(a => a.TraceId == trace && a.OperationName == "openenergy.fapi.validate");
        Activity introspection = exported.Single(a => a.TraceId == trace && a.OperationName == "openenergy.fapi.introspect");
        Assert.That(validation.Status, Is.EqualTo(ActivityStatusCode.Error));
        Assert.That(introspection.GetTagItem("openenergy.fapi.outcome"), Is.EqualTo("unavailable"));
        Assert.That(introspection.GetTagItem("openenergy.fapi.attempts"), Is.EqualTo(3), "the first attempt and two retries");
    }

    [Test]
    public async Task Metrics_ReachTheInMemoryExporter()
    {
        var metrics = new List<Metric>();
        await using ValidatorHarness harness = await ValidatorHarness.StartAsync();
        using MeterProvider meters = Sdk.CreateMeterProviderBuilder()
            .AddMeter(FapiDefaults.MeterName)
            .AddInMemoryExporter(metrics)
            .Build();
        string token = harness.Server.IssueToken(A, "energy:read");
        _ = await harness.ValidateAsync("Bearer " + token, A, "energy:read");

        meters.ForceFlush();
        Assert.That(metrics.Select(m => m.Name), Does.Contain("openenergy.fapi.validations").And.Contain("openenergy.fapi.introspection.duration"));
    }

    private static TracerProvider Tracer(List<Activity> exported) => Sdk.CreateTracerProviderBuilder()
        .AddSource(FapiDefaults.ActivitySourceName, TestSource.Name)
        .AddInMemoryExporter(exported)
        .Build();
}
