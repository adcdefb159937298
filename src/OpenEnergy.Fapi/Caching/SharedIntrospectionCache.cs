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
/// <see cref="SharedCacheEntryCodec"/>). The store can only ever cost a miss: a read past the timeout, a fault, a
/// value too long, or an entry that fails its check is a miss. Reads pause for a few seconds after consecutive
/// faults, so a hung store does not cost every request the timeout. Reads, writes and removals under way are
/// bounded until the store answers; beyond the bound they are skipped, never queued.
/// </summary>
internal sealed class SharedIntrospectionCache
{
    /// <summary>Reads, and separately writes and removals, under way at once until the store answers.</summary>
    internal const int MaxPendingOperations = 1024;

    /// <summary>Consecutive read faults after which reads pause for <see cref="ReadPause"/>.</summary>
    internal const int FaultsBeforePause = 3;

    internal static readonly TimeSpan ReadPause = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan ReportInterval = TimeSpan.FromMinutes(1);

    private readonly IDistributedCache _store;
    private readonly IBufferDistributedCache? _bufferStore;
    private readonly SharedCacheEntryCodec _codec;
    private readonly string _keyPrefix;
    private readonly TimeSpan _readTimeout;
    private readonly TimeSpan _maxAge;
    private readonly TimeProvider _time;
    private readonly FapiMetrics _metrics;
    private readonly ILogger _logger;
    private readonly LogThrottle _faultReports;
    private readonly LogThrottle _rejectionReports;
    private int _pendingReads;
    private int _pendingWrites;
    private int _consecutiveReadFaults;
    private long _readsPausedUntilTicks;

    public SharedIntrospectionCache(IDistributedCache store, IOptions<FapiOptions> options, TimeProvider time, FapiMetrics metrics, ILogger<SharedIntrospectionCache> logger)
    {
        FapiOptions o = options.Value;
        _store = store;
        _bufferStore = store as IBufferDistributedCache;
        // The options validator has already checked the key; a missing one here is a registration bypassing it.
        _codec = new SharedCacheEntryCodec(SharedCacheIntegrityKey.Decode(o.SharedCache.IntegrityKey)
            ?? throw new InvalidOperationException($"{FapiOptions.SectionName}:SharedCache:IntegrityKey is required with a shared cache."));
        _keyPrefix = o.SharedCache.KeyPrefix;
        _readTimeout = o.SharedCache.Timeout;
        _maxAge = o.CacheDuration;
        _time = time;
        _metrics = metrics;
        _logger = logger;
        _faultReports = new LogThrottle(time, ReportInterval);
        _rejectionReports = new LogThrottle(time, ReportInterval);
    }

    /// <summary>
    /// Asks the store for a key no token hashes to, within the read timeout: <see langword="null"/> when it
    /// answered, else what went wrong (for health).
    /// </summary>
    public async Task<string?> ProbeAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_readTimeout);
        try
        {
            _ = await _store.GetAsync(_keyPrefix + "health-probe", timeout.Token).WaitAsync(timeout.Token);
            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"no answer within {_readTimeout.TotalMilliseconds:0} ms";
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return ex.GetType().Name + ": " + ex.Message;
        }
    }

    /// <summary>The key of a token's entry in the store: the prefix and the token hash in hex.</summary>
    public string StoreKey(TokenHash key) => _keyPrefix + key.ToHex();

    /// <summary>Reads a token's entry; a miss (null) whatever goes wrong, except the caller's own cancellation.</summary>
    public async ValueTask<SharedCacheHit?> GetAsync(TokenHash key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (now.UtcTicks < Volatile.Read(ref _readsPausedUntilTicks))
        {
            return null;
        }

        if (Interlocked.Increment(ref _pendingReads) > MaxPendingOperations)
        {
            Interlocked.Decrement(ref _pendingReads);
            ReportFault("read", "dropped", $"{MaxPendingOperations} reads already under way");
            return null;
        }

        string storeKey = StoreKey(key);
        ReadOnlyMemory<byte>? entry;
        try
        {
            entry = await ReadAsync(storeKey).WaitAsync(_readTimeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            ReadFailed(now, "timeout", $"no answer within {_readTimeout.TotalMilliseconds} ms");
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
            ReadFailed(now, "error", Describe(ex, storeKey, key));
            return null;
        }

        Volatile.Write(ref _consecutiveReadFaults, 0);
        if (entry is not { } bytes)
        {
            return null;
        }

        switch (_codec.Decode(storeKey, bytes.Span, now, _maxAge, out IntrospectionResult result, out DateTimeOffset validUntil, out string? problem))
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
        if (TryStartWrite())
        {
            // Task.Run: some stores do blocking work before their first await (a first connection), which must
            // never run on the request's thread.
            _ = Task.Run(() => WriteAsync(key, result, now, validUntil));
        }
    }

    /// <summary>
    /// Removes a token's entry, off the request path: called when the authorization server says a token is
    /// inactive, so a revocation one instance learns of reaches the fleet sooner than the entry's expiry.
    /// </summary>
    public void Remove(TokenHash key)
    {
        if (TryStartWrite())
        {
            _ = Task.Run(() => RemoveAsync(key));
        }
    }

    private bool TryStartWrite()
    {
        if (Interlocked.Increment(ref _pendingWrites) <= MaxPendingOperations)
        {
            return true;
        }

        Interlocked.Decrement(ref _pendingWrites);
        ReportFault("write", "dropped", $"{MaxPendingOperations} writes already under way");
        return false;
    }

    private async Task WriteAsync(TokenHash key, IntrospectionResult result, DateTimeOffset writtenAt, DateTimeOffset validUntil)
    {
        string storeKey = StoreKey(key);
        try
        {
            byte[] entry = _codec.Encode(storeKey, result, writtenAt, validUntil);
            // Relative, so the store's clock never stretches the entry; the exact instants are inside the MAC.
            var options = new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = validUntil - writtenAt };
            if (_bufferStore is not null)
            {
                await _bufferStore.SetAsync(storeKey, new ReadOnlySequence<byte>(entry), options).ConfigureAwait(false);
            }
            else
            {
                await _store.SetAsync(storeKey, entry, options).ConfigureAwait(false);
            }

            _metrics.SharedCacheWritten();
        }
#pragma warning disable CA1031 // A failed write costs a later miss, nothing more.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            ReportFault("write", "error", Describe(ex, storeKey, key));
        }
        finally
        {
            Interlocked.Decrement(ref _pendingWrites);
        }
    }

    private async Task RemoveAsync(TokenHash key)
    {
        string storeKey = StoreKey(key);
        try
        {
            await _store.RemoveAsync(storeKey).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The entry then lives until its expiry, as it would have without the removal.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            ReportFault("write", "error", Describe(ex, storeKey, key));
        }
        finally
        {
            Interlocked.Decrement(ref _pendingWrites);
        }
    }

    // Counted until the store answers, even after the caller has stopped waiting: the bound is on work under way.
    private async Task<ReadOnlyMemory<byte>?> ReadAsync(string storeKey)
    {
        try
        {
            if (_bufferStore is not null)
            {
                // A fresh buffer per read: a read abandoned at the timeout may still write into it later.
                var buffer = new CappedBufferWriter(SharedCacheEntryCodec.MaxEntryLength);
                if (!await _bufferStore.TryGetAsync(storeKey, buffer).ConfigureAwait(false))
                {
                    return null;
                }

                // One byte more than allowed is enough for the codec to refuse it as too long.
                return buffer.Overflowed ? new byte[SharedCacheEntryCodec.MaxEntryLength + 1] : buffer.WrittenMemory;
            }

            return await _store.GetAsync(storeKey).ConfigureAwait(false) is { } bytes ? bytes : null;
        }
        finally
        {
            Interlocked.Decrement(ref _pendingReads);
        }
    }

    private void ReadFailed(DateTimeOffset now, string reason, string problem)
    {
        if (Interlocked.Increment(ref _consecutiveReadFaults) >= FaultsBeforePause)
        {
            Volatile.Write(ref _consecutiveReadFaults, 0);
            Volatile.Write(ref _readsPausedUntilTicks, (now + ReadPause).UtcTicks);
            problem += $"; reads pause for {ReadPause.TotalSeconds} s after {FaultsBeforePause} faults in a row";
        }

        ReportFault("read", reason, problem);
    }

    private void ReportFault(string operation, string reason, string problem)
    {
        _metrics.SharedCacheFault(operation, reason);
        if (_faultReports.TryReport(out int heldBack))
        {
            _logger.SharedCacheFault(operation, problem, heldBack);
        }
    }

    // A store's message may quote the key (the whole token hash); logs carry its 8-digit prefix only.
    private static string Describe(Exception ex, string storeKey, TokenHash key)
        => ex.GetType().Name + ": " + ex.Message.Replace(storeKey, "#" + key, StringComparison.Ordinal);
}

/// <summary>An answer found in the shared cache, and the instant its entry expires.</summary>
internal sealed record SharedCacheHit(IntrospectionResult Result, DateTimeOffset ValidUntil);
