using System.Net;
using Microsoft.Extensions.Options;
using OpenEnergy.Fapi.Configuration;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace OpenEnergy.Fapi.Introspection;

/// <summary>
/// The Polly pipelines around calls to the authorization server. Introspection: a circuit breaker (a dead server
/// costs fast 503s), retries with jitter for transient faults only, and a per-attempt timeout (how many calls
/// run at once, and how long others wait, is <see cref="IntrospectionAdmission"/>'s business). Discovery:
/// retries and the per-attempt timeout. The caller's own total time limit bounds everything, so retries
/// never lengthen it.
/// </summary>
internal sealed class AuthorizationServerResilience
{
    public AuthorizationServerResilience(IOptions<FapiOptions> options, TimeProvider time)
    {
        FapiOptions o = options.Value;
        Introspection = Build(o, time, "OpenEnergy.Fapi.Introspection", breaker: true);
        Discovery = Build(o, time, "OpenEnergy.Fapi.Discovery", breaker: false);
    }

    public ResiliencePipeline<HttpResponseMessage> Introspection { get; }

    public ResiliencePipeline<HttpResponseMessage> Discovery { get; }

    /// <summary>Faults worth another attempt: no answer, or an answer that says "try later".</summary>
    internal static bool IsTransient(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException or TimeoutRejectedException or IOException } => true,
        { Result: { } response } => (int)response.StatusCode >= 500 || response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout,
        _ => false,
    };

    private static ResiliencePipeline<HttpResponseMessage> Build(FapiOptions o, TimeProvider time, string name, bool breaker)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { Name = name, TimeProvider = time };
        if (breaker)
        {
            builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
            {
                FailureRatio = o.CircuitBreakerFailureRatio,
                MinimumThroughput = o.CircuitBreakerMinimumThroughput,
                SamplingDuration = o.CircuitBreakerSamplingDuration,
                BreakDuration = o.CircuitBreakerBreakDuration,
                ShouldHandle = static args => ValueTask.FromResult(IsTransient(args.Outcome)),
            });
        }

        if (o.IntrospectionRetryCount > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = o.IntrospectionRetryCount,
                Delay = o.IntrospectionRetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = o.IntrospectionRetryDelay > TimeSpan.Zero,
                ShouldHandle = static args => ValueTask.FromResult(IsTransient(args.Outcome)),
                // A 429 says when to come back; the total time limit still applies.
                DelayGenerator = static args => ValueTask.FromResult(
                    args.Outcome.Result is { StatusCode: HttpStatusCode.TooManyRequests, Headers.RetryAfter.Delta: { } delta } ? delta : (TimeSpan?)null),
            });
        }

        builder.AddTimeout(o.IntrospectionAttemptTimeout);
        return builder.Build();
    }
}
