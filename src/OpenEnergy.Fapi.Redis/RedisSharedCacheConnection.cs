using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenEnergy.Fapi.Configuration;
using StackExchange.Redis;

namespace OpenEnergy.Fapi.Redis;

/// <summary>
/// The library's own <see cref="RedisCache"/> and its connection, never the application's
/// <c>IDistributedCache</c>. The connection starts when the validator is built, so an unreachable Redis shows in
/// the start-up log rather than at the first request; the instance starts anyway and StackExchange.Redis
/// reconnects by itself. Commands fail fast while disconnected (a read that waited for a reconnection would be
/// worse than a miss).
/// </summary>
internal sealed class RedisSharedCacheConnection : IDisposable
{
    private readonly ConfigurationOptions _configuration;
    private readonly ILogger _logger;
    private Task<IConnectionMultiplexer> _connecting;

    public RedisSharedCacheConnection(IOptions<FapiOptions> options, Action<ConfigurationOptions>? configure, ILogger<RedisSharedCacheConnection> logger)
    {
        _logger = logger;
        _configuration = RedisConfiguration.Parse(options.Value.SharedCache.Redis);
        configure?.Invoke(_configuration);
        // Forced, whatever the string or the callback said: an unreachable Redis must not stop the provider, and
        // a command issued while disconnected fails at once instead of waiting in a backlog for the reconnection.
        _configuration.AbortOnConnectFail = false;
        _configuration.BacklogPolicy = BacklogPolicy.FailFast;

        _connecting = ConnectAsync();
        Cache = new RedisCache(Options.Create(new RedisCacheOptions { ConnectionMultiplexerFactory = GetConnectionAsync }));
    }

    /// <summary>The current connection attempt (for tests: completes once the first attempt has succeeded or failed).</summary>
    internal Task Connecting => _connecting;

    /// <summary>The store handed to the core's shared cache level.</summary>
    public RedisCache Cache { get; }

    public void Dispose()
    {
        // RedisCache disposes the multiplexer it was given.
        Cache.Dispose();
    }

    // RedisCache calls this under its own lock until one call succeeds: a failed attempt is replaced, never cached.
    private Task<IConnectionMultiplexer> GetConnectionAsync()
    {
        if (_connecting.IsFaulted || _connecting.IsCanceled)
        {
            _connecting = ConnectAsync();
        }

        return _connecting;
    }

    private async Task<IConnectionMultiplexer> ConnectAsync()
    {
        string endpoints = RedisConfiguration.Describe(_configuration);
        ConnectionMultiplexer connection;
        try
        {
            connection = await ConnectionMultiplexer.ConnectAsync(_configuration).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _logger.RedisConnectFailed(endpoints, ex.GetType().Name, ex.Message);
            throw;
        }

        connection.ConnectionFailed += (_, e) => _logger.RedisConnectionLost(e.EndPoint?.ToString(), e.FailureType.ToString());
        connection.ConnectionRestored += (_, e) => _logger.RedisConnectionRestored(e.EndPoint?.ToString());
        if (connection.IsConnected)
        {
            _logger.RedisConnected(endpoints);
        }
        else
        {
            _logger.RedisUnreachableAtStart(endpoints);
        }

        return connection;
    }
}
