using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using OpenEnergy.Fapi.SampleProvider.Tests.Support;
using static OpenEnergy.Fapi.SampleProvider.Tests.Support.SampleHost;

namespace OpenEnergy.Fapi.SampleProvider.Tests;

/// <summary>
/// The sample's logging as shipped (its appsettings.json levels): rejections at Information with the
/// interaction id in scope, successes not at Information, and no token anywhere, ASP.NET Core's own
/// request lines included (a query-string <c>access_token</c> would otherwise reach them).
/// </summary>
internal sealed class SampleLoggingTests
{
    private readonly FakeLogCollector _logs = new();
    private SampleHost _host = null!;

    [OneTimeSetUp]
    public async Task Start() => _host = await SampleHost.StartAsync(Intake.Forwarded, configure: builder => builder.Logging.AddProvider(new FakeLoggerProvider(_logs)));

    [OneTimeTearDown]
    public async Task Stop() => await _host.DisposeAsync();

    [Test]
    public async Task ShippedLogLevels_LogRejectionsWithTheirInteractionId_AndNeverAToken()
    {
        using HttpClient client = _host.Client(A);
        string token = _host.TokenFor(A);
        const string id = "0e5f0b1c-2a3b-4c5d-8e9f-a0b1c2d3e4f5";
        using var refused = new HttpRequestMessage(HttpMethod.Get, "/example?access_token=" + token);
        refused.Headers.TryAddWithoutValidation("x-fapi-interaction-id", id);
        using var served = new HttpRequestMessage(HttpMethod.Get, "/example");
        served.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);

        using HttpResponseMessage refusal = await client.SendAsync(refused);
        using HttpResponseMessage success = await client.SendAsync(served);

        Assert.That(refusal.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(success.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        IReadOnlyList<FakeLogRecord> records = _logs.GetSnapshot();
        Assert.That(records.Any(r => r.Level == LogLevel.Information && r.Message.Contains("rejected", StringComparison.Ordinal)
            && r.Scopes.OfType<IEnumerable<KeyValuePair<string, object?>>>().SelectMany(s => s).Any(kv => Equals(kv.Value, id))), Is.True, "no rejection entry carries the interaction id");
        Assert.That(records.Any(r => r.Level >= LogLevel.Information && r.Message.Contains("accepted", StringComparison.Ordinal)), Is.False, "a success was logged at Information by default");
        foreach (FakeLogRecord record in records)
        {
            string text = record.Message + " " + string.Join(" ", record.Scopes.Select(s => s?.ToString())) + " " + record.Exception;
            Assert.That(text.Contains(token, StringComparison.Ordinal), Is.False, $"[{record.Category}] logged the token: {record.Message}");
        }
    }

    [Test]
    public async Task MistypedFapiKey_IsAStartUpWarning_NamingTheKeyMeant()
    {
        var logs = new FakeLogCollector();
        await using SampleHost host = await SampleHost.StartAsync(Intake.Forwarded, configure: builder =>
        {
            builder.Logging.AddProvider(new FakeLoggerProvider(logs));
            builder.Configuration["OpenEnergy:Fapi:ClientCertficateVerifyHeader"] = "X-Verify";
        });

        // Said as the application starts, before any request.
        Assert.That(logs.GetSnapshot().Select(r => r.Message), Has.One.Contains("OpenEnergy:Fapi:ClientCertficateVerifyHeader").And.Contains("did you mean OpenEnergy:Fapi:ClientCertificateVerifyHeader?"));
    }
}
