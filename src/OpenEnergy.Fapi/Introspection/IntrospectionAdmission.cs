using Microsoft.Extensions.Options;
using OpenEnergy.Fapi.Certificates;
using OpenEnergy.Fapi.Configuration;

namespace OpenEnergy.Fapi.Introspection;

/// <summary>
/// Decides whether a cache miss may become a call to the authorization server, and when. The one admission step:
/// <list type="bullet">
/// <item>each client (by the thumbprint of the certificate it presented) may have at most
/// <see cref="FapiSettings.MaxConcurrentIntrospectionsPerClient"/> calls under way or waiting, so one caller
/// flooding new tokens cannot take every slot (429);</item>
/// <item>at most <see cref="FapiSettings.MaxConcurrentIntrospections"/> calls run at once, fewer when the server
/// is saturated (below); the others wait in one queue, first come first served, for at most
/// <see cref="FapiSettings.IntrospectionQueueTimeout"/>;</item>
/// <item>a call is shed at once (503 with <c>Retry-After</c>) when the queue holds
/// <see cref="FapiSettings.MaxQueuedIntrospections"/> already, or when its wait, judged from how long calls lately
/// take, would exceed the queue timeout: when the server is the bottleneck, a quick 503 serves the caller better
/// than a long wait, and the requests that are served keep a short tail.</item>
/// </list>
/// The timeout is also the target for the wait in the server's own queue, which cannot be seen but shows as calls
/// taking longer than the quickest active answer of the last <see cref="FastestCallWindow"/> or two. While that
/// wait is longer than half the timeout and the limit is what holds calls back, the number of calls let run at once
/// drops by a tenth, at most once per average call (the answers that follow a cut were asked before it), never
/// below one, so the server's recovery is always seen; while it is within, the limit climbs back by about one per
/// round of calls, never above the maximum. The waiting then moves here, to the queue that is bounded, fair and
/// sheds early. With the default timeout of 1 s this acts only on a server that keeps calls waiting half a second.
/// Only calls count: cache hits and joins of a call already under way or waiting never reach this.
/// </summary>
internal sealed class IntrospectionAdmission
{
    // The weight of the latest call in the running average of call durations.
    private const double AverageWeight = 0.2;

    /// <summary>How long the quickest active answer counts as the server's own time for a call (for one to two windows).</summary>
    internal static readonly TimeSpan FastestCallWindow = TimeSpan.FromSeconds(10);

    private readonly Lock _gate = new();
    private readonly Dictionary<CertificateThumbprint, int> _callsByClient = [];
    private readonly LinkedList<Waiter> _queue = new();
    private readonly TimeProvider _time;
    private readonly int _perClient;
    private readonly int _maxConcurrent;
    private readonly int _maxQueued;
    private readonly TimeSpan _queueTimeout;
    private int _running;
    private double _callLimit;
    private long _lastLowered;
    private double _averageCallTicks;
    private double _averageActiveTicks;
    private long _fastestThisWindowTicks = long.MaxValue;
    private long _fastestLastWindowTicks = long.MaxValue;
    private long _windowStarted;

    public IntrospectionAdmission(IOptions<FapiOptions> options, TimeProvider time)
    {
        FapiOptions o = options.Value;
        _time = time;
        _windowStarted = time.GetTimestamp();
        _perClient = o.MaxConcurrentIntrospectionsPerClient;
        _maxConcurrent = o.MaxConcurrentIntrospections;
        _callLimit = _maxConcurrent;
        _maxQueued = o.MaxQueuedIntrospections;
        _queueTimeout = o.IntrospectionQueueTimeout;
    }

    /// <summary>The per-client limit.</summary>
    public int PerClientLimit => _perClient;

    /// <summary>The number of clients with a call under way or waiting (for tests: it returns to zero on every path).</summary>
    public int ClientsWithCalls
    {
        get
        {
            lock (_gate)
            {
                return _callsByClient.Count;
            }
        }
    }

    /// <summary>How many calls may run at once now (for tests).</summary>
    internal int CallLimit
    {
        get
        {
            lock (_gate)
            {
                return CurrentCallLimit;
            }
        }
    }

    // Under the lock.
    private int CurrentCallLimit => Math.Max(1, (int)_callLimit);

    /// <summary>Calls running and waiting (for tests).</summary>
    internal (int Running, int Waiting) Load
    {
        get
        {
            lock (_gate)
            {
                return (_running, _queue.Count);
            }
        }
    }

    /// <summary>
    /// Admits a call now, refuses it at once, or queues it (<see cref="AdmissionVerdict.Queued"/>: <paramref name="queued"/>
    /// completes when a slot frees up, or with <see cref="AdmissionVerdict.Shed"/> at the queue timeout). A wait is
    /// never cancelled by a waiting request: others may be joined to the call, and it is bounded by the timeout anyway.
    /// </summary>
    public AdmissionResult Admit(CertificateThumbprint client, out Task<AdmissionResult>? queued)
    {
        queued = null;
        Waiter waiter;
        lock (_gate)
        {
            _callsByClient.TryGetValue(client, out int calls);
            if (calls >= _perClient)
            {
                return AdmissionResult.OverClientShare;
            }

            int limit = CurrentCallLimit;
            if (_running < limit && _queue.Count == 0)
            {
                _running++;
                _callsByClient[client] = calls + 1;
                return new AdmissionResult(AdmissionVerdict.Admitted, new Admission(this, client), null);
            }

            if (_queue.Count >= _maxQueued)
            {
                return AdmissionResult.Shed($"{_queue.Count} calls are already waiting for the authorization server");
            }

            // With the limit's calls running, a slot frees about every average call / limit; then the call waits in
            // the server's queue too.
            double expectedTicks = ((_queue.Count + 1) * _averageCallTicks / limit) + ServerWaitTicks();
            if (expectedTicks > _queueTimeout.Ticks)
            {
                return AdmissionResult.Shed($"the wait for the authorization server would exceed {_queueTimeout.TotalMilliseconds:0} ms");
            }

            _callsByClient[client] = calls + 1;
            waiter = new Waiter(client, this);
            waiter.Node = _queue.AddLast(waiter);
            waiter.Timer = _time.CreateTimer(static state => ((Waiter)state!).Owner.TimeOut((Waiter)state!), waiter, _queueTimeout, Timeout.InfiniteTimeSpan);
        }

        queued = waiter.Completion.Task;
        return new AdmissionResult(AdmissionVerdict.Queued, null, null);
    }

    private void TimeOut(Waiter waiter)
    {
        lock (_gate)
        {
            if (waiter.Node?.List is null)
            {
                // Admitted meanwhile.
                return;
            }

            _queue.Remove(waiter.Node);
            ReleaseClient(waiter.Client);
        }

        waiter.Timer?.Dispose();
        waiter.Completion.TrySetResult(AdmissionResult.Shed($"no slot for a call within {_queueTimeout.TotalMilliseconds:0} ms"));
    }

    /// <summary>
    /// How much longer active answers lately take than the quickest of them: the wait in the server's own queue (and
    /// on the way), as best it can be told from here. Both sides are active answers only, so quick inactive answers
    /// or failures cannot hide a wait, nor timeouts fake one. Zero until a call has been answered. Under the lock.
    /// </summary>
    private double ServerWaitTicks()
    {
        long fastest = Math.Min(_fastestThisWindowTicks, _fastestLastWindowTicks);
        return fastest == long.MaxValue ? 0 : Math.Max(0, _averageActiveTicks - fastest);
    }

    /// <summary>
    /// Frees the slot, learns from the call when one was made (timed from <paramref name="callStarted"/>), and lets
    /// the oldest waiters run up to the limit.
    /// </summary>
    private void Release(CertificateThumbprint client, long callStarted, CallEnd end)
    {
        long now = _time.GetTimestamp();
        List<Waiter>? admitted = null;
        lock (_gate)
        {
            ReleaseClient(client);
            if (end != CallEnd.NotMade)
            {
                Learn(_time.GetElapsedTime(callStarted, now).Ticks, end, now);
            }

            _running--;
            while (_running < CurrentCallLimit && _queue.First is { } first)
            {
                _queue.RemoveFirst();
                _running++;
                (admitted ??= []).Add(first.Value);
            }
        }

        foreach (Waiter waiter in admitted ?? [])
        {
            // Admitted first: nothing after the state change may leave a counted waiter without its slot.
            waiter.Completion.TrySetResult(new AdmissionResult(AdmissionVerdict.Admitted, new Admission(this, waiter.Client), null));
            waiter.Timer?.Dispose();
        }
    }

    /// <summary>Updates the average call, the quickest active answer and the call limit. Under the lock.</summary>
    private void Learn(long took, CallEnd end, long now)
    {
        _averageCallTicks = _averageCallTicks == 0 ? took : (AverageWeight * took) + ((1 - AverageWeight) * _averageCallTicks);

        // Only an active answer says how quick the server can be: a refused connection, an error page or an
        // inactive answer to a made-up token can be quicker than any real answer and would make every real answer
        // look like waiting.
        if (end != CallEnd.Active)
        {
            return;
        }

        _averageActiveTicks = _averageActiveTicks == 0 ? took : (AverageWeight * took) + ((1 - AverageWeight) * _averageActiveTicks);
        TimeSpan windowAge = _time.GetElapsedTime(_windowStarted, now);
        if (windowAge >= FastestCallWindow)
        {
            // When this window began two windows ago or more (a quiet spell), its quickest is too old to carry over.
            _fastestLastWindowTicks = windowAge >= 2 * FastestCallWindow ? long.MaxValue : _fastestThisWindowTicks;
            _fastestThisWindowTicks = long.MaxValue;
            _windowStarted = now;
        }

        _fastestThisWindowTicks = Math.Min(_fastestThisWindowTicks, took);

        // Only while the limit is what holds calls back: at a light load, waiting at the server is not caused
        // by how many calls this instance makes, and changing the limit would not change it.
        if (_running < CurrentCallLimit && _queue.Count == 0)
        {
            return;
        }

        if (ServerWaitTicks() > _queueTimeout.Ticks / 2)
        {
            // A tenth fewer, at most once per average call: the answers that follow a cut were asked before it,
            // and cutting again for them would overshoot.
            if (_time.GetElapsedTime(_lastLowered, now).Ticks >= _averageCallTicks)
            {
                _callLimit = Math.Max(1, _callLimit * 0.9);
                _lastLowered = now;
            }
        }
        else
        {
            // About one more per round of calls.
            _callLimit = Math.Min(_maxConcurrent, _callLimit + (1 / _callLimit));
        }
    }

    // Under the lock.
    private void ReleaseClient(CertificateThumbprint client)
    {
        if (_callsByClient.TryGetValue(client, out int calls))
        {
            if (calls <= 1)
            {
                _callsByClient.Remove(client);
            }
            else
            {
                _callsByClient[client] = calls - 1;
            }
        }
    }

    /// <summary>How an admitted call ended, for what the admission learns from it.</summary>
    internal enum CallEnd
    {
        /// <summary>No call was made after all: the slot is given back and nothing is learnt.</summary>
        NotMade,

        /// <summary>The server answered that the token is active: its time says how quick the server can be.</summary>
        Active,

        /// <summary>Any other end (an inactive answer, an error status, a failed connection, a timeout): its time counts in the average only.</summary>
        Other,
    }

    /// <summary>One admitted call. <see cref="Finish"/> it when the call is over, or <see cref="GiveBack"/> it if none is made; only the first of these counts.</summary>
    internal sealed class Admission
    {
        private readonly IntrospectionAdmission _owner;
        private readonly CertificateThumbprint _client;
        private int _released;

        public Admission(IntrospectionAdmission owner, CertificateThumbprint client)
        {
            _owner = owner;
            _client = client;
        }

        /// <summary>Frees the slot after a call that started at <paramref name="callStarted"/> (a <see cref="TimeProvider"/> timestamp) and ended as <paramref name="end"/>.</summary>
        public void Finish(CallEnd end, long callStarted)
        {
            // Once only: a second release would free a slot that is not held and let one call too many run.
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                _owner.Release(_client, callStarted, end);
            }
        }

        /// <summary>Frees the slot without a call.</summary>
        public void GiveBack() => Finish(CallEnd.NotMade, 0);
    }

    private sealed class Waiter(CertificateThumbprint client, IntrospectionAdmission owner)
    {
        public CertificateThumbprint Client { get; } = client;

        public IntrospectionAdmission Owner { get; } = owner;

        public TaskCompletionSource<AdmissionResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public LinkedListNode<Waiter>? Node { get; set; }

        public ITimer? Timer { get; set; }
    }
}

/// <summary>What <see cref="IntrospectionAdmission.Admit"/> decided.</summary>
internal enum AdmissionVerdict
{
    /// <summary>The call may go ahead; finish the admission when it is over.</summary>
    Admitted,

    /// <summary>The client already has its share of calls (429).</summary>
    OverClientShare,

    /// <summary>The queue is full, or the wait would be too long (503 with <c>Retry-After</c>).</summary>
    Shed,

    /// <summary>Waiting for a slot: the queued task tells how it ends.</summary>
    Queued,
}

/// <summary>The decision, with the admission to finish when admitted and why when shed.</summary>
internal readonly record struct AdmissionResult(AdmissionVerdict Verdict, IntrospectionAdmission.Admission? Admission, string? Reason)
{
    public static AdmissionResult OverClientShare => new(AdmissionVerdict.OverClientShare, null, null);

    public static AdmissionResult Shed(string reason) => new(AdmissionVerdict.Shed, null, reason);
}
