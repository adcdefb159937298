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
        // Joining a call already under way (or waiting for a slot) costs the authorization server nothing, so it is
        // never refused.
        if (_inFlight.TryGetValue(key, out Task<IntrospectionOutcome>? running))
        {
            return running.WaitAsync(cancellationToken);
        }

        AdmissionResult admitted = _admission.Admit(client, out Task<AdmissionResult>? queued);
        if (admitted.Verdict is AdmissionVerdict.OverClientShare or AdmissionVerdict.Shed)
        {
            return Refused(key, client, admitted, cancellationToken);
        }

        Task<AdmissionResult> admitting = queued ?? Task.FromResult(admitted);

        var mine = new TaskCompletionSource<IntrospectionOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        Task<IntrospectionOutcome> shared = _inFlight.GetOrAdd(key, mine.Task);
        if (!ReferenceEquals(shared, mine.Task))
        {
            // Another request started a call for this token meanwhile: join it, and give the slot back.
            _ = GiveBackAsync(admitting);
        }
        else if (_cache.TryGetLocal(key, _time.GetUtcNow(), out IntrospectionResult cached))
        {
            // Another request finished and cached the answer between our cache miss and GetOrAdd.
            _ = GiveBackAsync(admitting);
            Complete(key, mine, IntrospectionOutcome.From(cached));
        }
        else
        {
            // Requests for this token that arrive while it waits for a slot join it here.
            _ = RunWhenAdmittedAsync(key, token.ToString(), mine, admitting);
        }

        return shared.WaitAsync(cancellationToken);
    }

    // Not admitted: a call for this token may have started, or even finished, since the first look; joining it or
    // reading its answer is still free.
    private Task<IntrospectionOutcome> Refused(TokenHash key, CertificateThumbprint client, AdmissionResult refusal, CancellationToken cancellationToken)
    {
        if (_inFlight.TryGetValue(key, out Task<IntrospectionOutcome>? running))
        {
            return running.WaitAsync(cancellationToken);
        }

        if (_cache.TryGetLocal(key, _time.GetUtcNow(), out IntrospectionResult answered))
        {
            return Task.FromResult(IntrospectionOutcome.From(answered));
        }

        if (refusal.Verdict == AdmissionVerdict.OverClientShare)
        {
            _logger.ClientOverIntrospectionShare(client.ToString(), _admission.PerClientLimit);
            return Task.FromResult(IntrospectionOutcome.OverClientShare());
        }

        _logger.IntrospectionShed(key.ToString(), refusal.Reason!);
        return Task.FromResult(IntrospectionOutcome.Shed(refusal.Reason!));
    }

    private static async Task GiveBackAsync(Task<AdmissionResult> admitting)
    {
        AdmissionResult result = await admitting.ConfigureAwait(false);
        if (result.Verdict == AdmissionVerdict.Admitted)
        {
            result.Admission!.GiveBack();
        }
    }

    private async Task RunWhenAdmittedAsync(TokenHash key, string token, TaskCompletionSource<IntrospectionOutcome> completion, Task<AdmissionResult> admitting)
    {
        AdmissionResult result = await admitting.ConfigureAwait(false);
        if (result.Verdict != AdmissionVerdict.Admitted)
        {
            // Shed while waiting (a queued call ends admitted or shed): everyone joined to this token gets the same 503.
            _logger.IntrospectionShed(key.ToString(), result.Reason!);
            Complete(key, completion, IntrospectionOutcome.Shed(result.Reason!));
            return;
        }

        await RunAsync(key, token, completion, result.Admission!).ConfigureAwait(false);
    }

    private async Task RunAsync(TokenHash key, string token, TaskCompletionSource<IntrospectionOutcome> completion, IntrospectionAdmission.Admission admission)
    {
        IntrospectionOutcome outcome;
        var end = IntrospectionAdmission.CallEnd.Other;
        long started = Stopwatch.GetTimestamp();
        // The admission learns from the call itself, not from the hop that brought a queued call here.
        long callStarted = _time.GetTimestamp();
        try
        {
            using var timeout = new CancellationTokenSource(_timeout, _time);
            outcome = await _client.IntrospectAsync(token, timeout.Token);
            if (outcome is { Kind: IntrospectionOutcomeKind.Answered, Result.Active: true })
            {
                end = IntrospectionAdmission.CallEnd.Active;
            }
        }
#pragma warning disable CA1031 // Fail closed: whatever happens becomes a 503, never an escaped exception.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            outcome = IntrospectionOutcome.Unavailable($"{ex.GetType().Name}: {ex.Message}");
        }
        finally
        {
            admission.Finish(end, callStarted);
        }

        try
        {
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
        }
        finally
        {
            // Whatever the bookkeeping above does (a cache disposed at shutdown throws), the waiting requests get
            // their answer and the token's in-flight entry goes: otherwise every later request for it would hang.
            Complete(key, completion, outcome);
        }
    }

    private void Complete(TokenHash key, TaskCompletionSource<IntrospectionOutcome> completion, IntrospectionOutcome outcome)
    {
        _inFlight.TryRemove(new KeyValuePair<TokenHash, Task<IntrospectionOutcome>>(key, completion.Task));
        completion.TrySetResult(outcome);
    }
}
