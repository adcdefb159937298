using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenEnergy.Fapi.Certificates;
using OpenEnergy.Fapi.Configuration;
using OpenEnergy.Fapi.Diagnostics;
using OpenEnergy.Fapi.Introspection;
using OpenEnergy.Fapi.Validation;

namespace OpenEnergy.Fapi.Caching;

/// <summary>
/// Cache in front of the introspection client, with single flight: concurrent requests carrying the same
/// uncached token share one call. A new call is made only if <see cref="IntrospectionAdmission"/> admits the
/// presenting client. The call runs under its own time limit; a waiter that gives up stops waiting without
/// cancelling it for the others. Only verdicts are cached, never faults.
/// </summary>
internal sealed class IntrospectionCoordinator
{
    private readonly IIntrospectionCache _cache;
    private readonly IntrospectionClient _client;
    private readonly TimeProvider _time;
    private readonly TimeSpan _timeout;
    private readonly ILogger _logger;
    private readonly FapiMetrics _metrics;
    private readonly IntrospectionAdmission _admission;
    private readonly ConcurrentDictionary<TokenHash, Task<IntrospectionOutcome>> _inFlight = new();

    public IntrospectionCoordinator(IIntrospectionCache cache, IntrospectionClient client, IntrospectionAdmission admission, IOptions<FapiOptions> options, TimeProvider time, ILogger<IntrospectionCoordinator> logger, FapiMetrics metrics)
    {
        _admission = admission;
        _cache = cache;
        _client = client;
        _time = time;
        _timeout = options.Value.IntrospectionTimeout;
        _logger = logger;
        _metrics = metrics;
    }

    /// <summary>The number of introspections under way (for tests: it returns to zero on every path).</summary>
    public int InFlightCount => _inFlight.Count;

    /// <summary>The cached answer, from either level; completes synchronously on a first-level hit.</summary>
    public ValueTask<IntrospectionResult?> GetCachedAsync(TokenHash key, DateTimeOffset now, CancellationToken cancellationToken)
        => _cache.GetAsync(key, now, cancellationToken);

    /// <summary>Caches facts found without a call (a locally validated JWT), under the same rules as an answer.</summary>
    public void Remember(TokenHash key, IntrospectionResult result) => _cache.Set(key, result);

    public Task<IntrospectionOutcome> IntrospectAsync(TokenHash key, BearerToken token, CertificateThumbprint client, CancellationToken cancellationToken)
    {
        // Joining a call already under way costs the authorization server nothing, so it is never refused.
        if (_inFlight.TryGetValue(key, out Task<IntrospectionOutcome>? running))
        {
            return running.WaitAsync(cancellationToken);
        }

        if (!_admission.TryAdmit(client, out IntrospectionAdmission.Admission admission))
        {
            // A call for this token may have started, or even finished, since the first look: joining it or
            // reading its answer is still free.
            if (_inFlight.TryGetValue(key, out running))
            {
                return running.WaitAsync(cancellationToken);
            }

            if (_cache.TryGetLocal(key, _time.GetUtcNow(), out IntrospectionResult answered))
            {
                return Task.FromResult(IntrospectionOutcome.From(answered));
            }

            _logger.ClientOverIntrospectionShare(client.ToString(), _admission.PerClientLimit);
            return Task.FromResult(IntrospectionOutcome.OverClientShare());
        }

        var mine = new TaskCompletionSource<IntrospectionOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        Task<IntrospectionOutcome> shared = _inFlight.GetOrAdd(key, mine.Task);
        if (!ReferenceEquals(shared, mine.Task))
        {
            admission.Dispose();
        }
        else if (_cache.TryGetLocal(key, _time.GetUtcNow(), out IntrospectionResult cached))
        {
            // Another request finished and cached the answer between our cache miss and GetOrAdd.
            admission.Dispose();
            Complete(key, mine, IntrospectionOutcome.From(cached));
        }
        else
        {
            _ = RunAsync(key, token.ToString(), mine, admission);
        }

        return shared.WaitAsync(cancellationToken);
    }

    private async Task RunAsync(TokenHash key, string token, TaskCompletionSource<IntrospectionOutcome> completion, IntrospectionAdmission.Admission admission)
    {
        IntrospectionOutcome outcome;
        long started = Stopwatch.GetTimestamp();
        try
        {
            using var timeout = new CancellationTokenSource(_timeout, _time);
            outcome = await _client.IntrospectAsync(token, timeout.Token);
        }
#pragma warning disable CA1031 // Fail closed: whatever happens becomes a 503, never an escaped exception.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            outcome = IntrospectionOutcome.Unavailable($"{ex.GetType().Name}: {ex.Message}");
        }
        finally
        {
            admission.Dispose();
        }

        TimeSpan elapsed = Stopwatch.GetElapsedTime(started);
        string label = outcome.Kind switch
        {
            IntrospectionOutcomeKind.Answered => outcome.Result!.Active ? "active" : "inactive",
            IntrospectionOutcomeKind.MissingActive => "missing_active",
            _ => "unavailable",
        };
        _metrics.Introspected(label, elapsed);
        _logger.Introspected(key.ToString(), elapsed.TotalMilliseconds, label);
        if (outcome.Kind == IntrospectionOutcomeKind.Unavailable)
        {
            _logger.IntrospectionUnavailable(key.ToString(), outcome.Reason!);
        }
        else if (outcome.Kind == IntrospectionOutcomeKind.Answered)
        {
            // Cached before the in-flight entry goes, so a late request finds one or the other.
            _cache.Set(key, outcome.Result!);
        }

        Complete(key, completion, outcome);
    }

    private void Complete(TokenHash key, TaskCompletionSource<IntrospectionOutcome> completion, IntrospectionOutcome outcome)
    {
        _inFlight.TryRemove(new KeyValuePair<TokenHash, Task<IntrospectionOutcome>>(key, completion.Task));
        completion.TrySetResult(outcome);
    }
}
