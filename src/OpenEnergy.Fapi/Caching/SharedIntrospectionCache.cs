using System.Buffers;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenEnergy.Fapi.Configuration;
using OpenEnergy.Fapi.Diagnostics;
using OpenEnergy.Fapi.Introspection;

namespace OpenEnergy.Fapi.Caching;

/// <summary>
/// The second cache level: active answers in an <see cref="IDistributedCache"/> shared by the fleet (through
/// <see cref="IBufferDistributedCache"/> when the store offers it). Entries carry a MAC (see
/// <see cref="SharedCacheEntryCodec"/>). The store can only ever cost a miss: a read past the timeout, a fault, or
/// an entry that fails its check is a miss; writes happen off the request path and are dropped, not queued
/// without bound, when the store is slow.
/// </summary>
internal sealed class SharedIntrospectionCache
{
    /// <summary>Writes under way at once; beyond it a write is dropped (the next miss writes again).</summary>
    internal const int MaxPendingWrites = 1024;

    /// <summary>The longest a write may hold its slot: stores time out on their own, this bounds one that does not.</summary>
    private static readonly TimeSpan WriteTimeout = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan ReportInterval = TimeSpan.FromMinutes(1);

    private readonly IDistributedCache _store;
    private readonly IBufferDistributedCache? _bufferStore;
    private readonly SharedCacheEntryCodec _codec;
    private readonly string _keyPrefix;
    private readonly TimeSpan _readTimeout;
    private readonly TimeProvider _time;
    private readonly FapiMetrics _metrics;
    private readonly ILogger _logger;
    private readonly LogThrottle _faultReports;
    private readonly LogThrottle _rejectionReports;
    private int _pendingWrites;

    public SharedIntrospectionCache(IDistributedCache store, IOptions<FapiOptions> options, TimeProvider time, FapiMetrics metrics, ILogger<SharedIntrospectionCache> logger)
    {
        SharedCacheOptions o = options.Value.SharedCache;
        _store = store;
        _bufferStore = store as IBufferDistributedCache;
        // The options validator has already checked the key; a missing one here is a registration bypassing it.
        _codec = new SharedCacheEntryCodec(SharedCacheIntegrityKey.Decode(o.IntegrityKey)
            ?? throw new InvalidOperationException($"{FapiOptions.SectionName}:SharedCache:IntegrityKey is required with a shared cache."));
        _keyPrefix = o.KeyPrefix;
        _readTimeout = o.Timeout;
        _time = time;
        _metrics = metrics;
        _logger = logger;
        _faultReports = new LogThrottle(time, ReportInterval);
        _rejectionReports = new LogThrottle(time, ReportInterval);
    }

    /// <summary>Writes still under way (for tests: it returns to zero once the store has answered).</summary>
    public int PendingWrites => Volatile.Read(ref _pendingWrites);

    /// <summary>The key of a token's entry in the store: the prefix and the token hash in hex.</summary>
    public string StoreKey(TokenHash key) => _keyPrefix + key.ToHex();

    /// <summary>Reads a token's entry; a miss (null) whatever goes wrong, except the caller's own cancellation.</summary>
    public async ValueTask<SharedCacheHit?> GetAsync(TokenHash key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        string storeKey = StoreKey(key);
        ReadOnlyMemory<byte>? entry;
        try
        {
            entry = await ReadAsync(storeKey).WaitAsync(_readTimeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            ReportFault("read", "timeout", $"no answer within {_readTimeout.TotalMilliseconds} ms");
            return null;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // Any store fault is a miss: the authorization server decides instead.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            ReportFault("read", "error", ex.GetType().Name + ": " + ex.Message);
            return null;
        }

        if (entry is not { } bytes)
        {
            return null;
        }

        switch (_codec.Decode(storeKey, bytes.Span, now, out IntrospectionResult result, out DateTimeOffset validUntil, out string? problem))
        {
            case SharedCacheEntryCodec.Verdict.Valid:
                return new SharedCacheHit(result, validUntil);
            case SharedCacheEntryCodec.Verdict.Rejected:
                _metrics.SharedCacheEntryRejected();
                if (_rejectionReports.TryReport(out int heldBack))
                {
                    _logger.SharedCacheEntryRejected(key.ToString(), problem!, heldBack);
                }

                return null;
            default:
                return null;
        }
    }

    /// <summary>Stores an active answer until <paramref name="validUntil"/>, off the request path.</summary>
    public void Write(TokenHash key, IntrospectionResult result, DateTimeOffset validUntil, DateTimeOffset now)
    {
        if (Interlocked.Increment(ref _pendingWrites) > MaxPendingWrites)
        {
            Interlocked.Decrement(ref _pendingWrites);
            ReportFault("write", "dropped", $"{MaxPendingWrites} writes already under way");
            return;
        }

        // Task.Run: some stores do blocking work before their first await (a first connection), which must
        // never run on the request's thread.
        _ = Task.Run(() => WriteAsync(key, result, validUntil, validUntil - now));
    }

    private async Task WriteAsync(TokenHash key, IntrospectionResult result, DateTimeOffset validUntil, TimeSpan lifetime)
    {
        try
        {
            string storeKey = StoreKey(key);
            byte[] entry = _codec.Encode(storeKey, result, validUntil);
            // Relative, so the store's clock never stretches the entry; the exact instant is inside the MAC.
            var options = new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = lifetime };
            Task write = _bufferStore is not null
                ? _bufferStore.SetAsync(storeKey, new ReadOnlySequence<byte>(entry), options).AsTask()
                : _store.SetAsync(storeKey, entry, options);
            await write.WaitAsync(WriteTimeout, _time).ConfigureAwait(false);
            _metrics.SharedCacheWritten();
        }
        catch (TimeoutException)
        {
            ReportFault("write", "timeout", $"no answer within {WriteTimeout.TotalSeconds} s");
        }
#pragma warning disable CA1031 // A failed write costs a later miss, nothing more.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            ReportFault("write", "error", ex.GetType().Name + ": " + ex.Message);
        }
        finally
        {
            Interlocked.Decrement(ref _pendingWrites);
        }
    }

    private async Task<ReadOnlyMemory<byte>?> ReadAsync(string storeKey)
    {
        if (_bufferStore is not null)
        {
            // A fresh buffer per read: a read abandoned at the timeout may still write into it later.
            var buffer = new ArrayBufferWriter<byte>(1024);
            return await _bufferStore.TryGetAsync(storeKey, buffer).ConfigureAwait(false) ? buffer.WrittenMemory : null;
        }

        return await _store.GetAsync(storeKey).ConfigureAwait(false) is { } bytes ? bytes : null;
    }

    private void ReportFault(string operation, string reason, string problem)
    {
        _metrics.SharedCacheFault(operation, reason);
        if (_faultReports.TryReport(out int heldBack))
        {
            _logger.SharedCacheFault(operation, problem, heldBack);
        }
    }
}

/// <summary>An answer found in the shared cache, and the instant its entry expires.</summary>
internal sealed record SharedCacheHit(IntrospectionResult Result, DateTimeOffset ValidUntil);
