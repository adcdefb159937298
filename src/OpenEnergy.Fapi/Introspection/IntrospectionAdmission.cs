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
/// <item>at most <see cref="FapiSettings.MaxConcurrentIntrospections"/> calls run at once; the others wait in one
/// queue, first come first served, for at most <see cref="FapiSettings.IntrospectionQueueTimeout"/>;</item>
/// <item>a call is shed at once (503 with <c>Retry-After</c>) when the queue holds
/// <see cref="FapiSettings.MaxQueuedIntrospections"/> already, or when its wait, judged from how long calls have
/// lately taken, would exceed the queue timeout: when the server is the bottleneck, a quick 503 serves the caller
/// better than a long wait, and the requests that are served keep a short tail.</item>
/// </list>
/// Only calls count: cache hits and joins of a call already under way or waiting never reach this.
/// </summary>
internal sealed class IntrospectionAdmission
{
    // The weight of the latest call in the running average of call durations.
    private const double AverageWeight = 0.2;

    private readonly Lock _gate = new();
    private readonly Dictionary<CertificateThumbprint, int> _callsByClient = [];
    private readonly LinkedList<Waiter> _queue = new();
    private readonly TimeProvider _time;
    private readonly int _perClient;
    private readonly int _maxConcurrent;
    private readonly int _maxQueued;
    private readonly TimeSpan _queueTimeout;
    private int _running;
    private double _averageCallTicks;

    public IntrospectionAdmission(IOptions<FapiOptions> options, TimeProvider time)
    {
        FapiOptions o = options.Value;
        _time = time;
        _perClient = o.MaxConcurrentIntrospectionsPerClient;
        _maxConcurrent = o.MaxConcurrentIntrospections;
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

            if (_running < _maxConcurrent && _queue.Count == 0)
            {
                _running++;
                _callsByClient[client] = calls + 1;
                return new AdmissionResult(AdmissionVerdict.Admitted, new Admission(this, client, _time.GetTimestamp()), null);
            }

            if (_queue.Count >= _maxQueued)
            {
                return AdmissionResult.Shed($"{_queue.Count} calls are already waiting for the authorization server");
            }

            // Calls ahead of this one leave the queue _maxConcurrent at a time, each after about an average call.
            double expectedTicks = Math.Ceiling((_queue.Count + 1) / (double)_maxConcurrent) * _averageCallTicks;
            if (TimeSpan.FromTicks((long)Math.Min(expectedTicks, TimeSpan.MaxValue.Ticks)) > _queueTimeout)
            {
                return AdmissionResult.Shed($"the wait for the authorization server would exceed {_queueTimeout.TotalMilliseconds:0} ms");
            }

            _callsByClient[client] = calls + 1;
            waiter = new Waiter(client, this);
            waiter.Node = _queue.AddLast(waiter);
            waiter.Timer = _time.CreateTimer(static state => ((Waiter)state!).Owner.TimeOut((Waiter)state!), waiter, _queueTimeout, Timeout.InfiniteTimeSpan);
        }

        queued = waiter.Completion.Task;
        return new AdmissionResult(AdmissionVerdict.Queued, default, null);
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

    private void Release(CertificateThumbprint client, long startedTimestamp)
    {
        TimeSpan took = _time.GetElapsedTime(startedTimestamp);
        Waiter? next = null;
        lock (_gate)
        {
            ReleaseClient(client);
            _averageCallTicks = _averageCallTicks == 0 ? took.Ticks : (AverageWeight * took.Ticks) + ((1 - AverageWeight) * _averageCallTicks);
            if (_queue.First is { } first)
            {
                // The slot passes straight to the oldest waiter: the running count stays.
                _queue.RemoveFirst();
                next = first.Value;
            }
            else
            {
                _running--;
            }
        }

        if (next is not null)
        {
            next.Timer?.Dispose();
            next.Completion.TrySetResult(new AdmissionResult(AdmissionVerdict.Admitted, new Admission(this, next.Client, _time.GetTimestamp()), null));
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

    /// <summary>One admitted call: dispose it when the call is over.</summary>
    internal readonly struct Admission : IDisposable
    {
        private readonly IntrospectionAdmission? _owner;
        private readonly CertificateThumbprint _client;
        private readonly long _started;

        public Admission(IntrospectionAdmission owner, CertificateThumbprint client, long started)
        {
            _owner = owner;
            _client = client;
            _started = started;
        }

        public void Dispose() => _owner?.Release(_client, _started);
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
    /// <summary>The call may go ahead; dispose the admission when it is over.</summary>
    Admitted,

    /// <summary>The client already has its share of calls (429).</summary>
    OverClientShare,

    /// <summary>The queue is full, or the wait would be too long (503 with <c>Retry-After</c>).</summary>
    Shed,

    /// <summary>Waiting for a slot: the queued task tells how it ends.</summary>
    Queued,
}

/// <summary>The decision, with the admission to dispose when admitted and why when shed.</summary>
internal readonly record struct AdmissionResult(AdmissionVerdict Verdict, IntrospectionAdmission.Admission Admission, string? Reason)
{
    public static AdmissionResult OverClientShare => new(AdmissionVerdict.OverClientShare, default, null);

    public static AdmissionResult Shed(string reason) => new(AdmissionVerdict.Shed, default, reason);
}
