using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;
using OpenEnergy.Fapi.HttpListener;
using OpenEnergy.Fapi.Validation;

namespace OpenEnergy.Fapi.HttpListenerSample;

/// <summary>
/// The sample's request loop: every request is handled on its own task (at most <see cref="MaxConcurrentRequests"/>
/// at once), so a slow authorization server holds up only the requests that wait for it, and a handler that
/// faults (a client that went away, a bug) costs that one request, never the process.
/// </summary>
public sealed partial class DataServer : IDisposable
{
    /// <summary>The most requests handled at once; the next waits for a slot before it is accepted.</summary>
    public const int MaxConcurrentRequests = 256;

    private static readonly string[] Scopes = ["energy:read"];

    private readonly SemaphoreSlim _slots = new(MaxConcurrentRequests);

    private readonly FapiHttpListenerGuard _guard;
    private readonly ILogger _logger;

    /// <summary>Creates the server.</summary>
    /// <param name="guard">The FAPI guard.</param>
    /// <param name="logger">Where faults are logged.</param>
    public DataServer(FapiHttpListenerGuard guard, ILogger<DataServer> logger)
    {
        _guard = guard;
        _logger = logger;
    }

    /// <summary>Serves <paramref name="listener"/> until it stops or <paramref name="stopping"/> fires.</summary>
    /// <param name="listener">A started listener.</param>
    /// <param name="stopping">Stops accepting requests.</param>
    public async Task ServeAsync(System.Net.HttpListener listener, CancellationToken stopping)
    {
        ArgumentNullException.ThrowIfNull(listener);
        while (listener.IsListening && !stopping.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                await _slots.WaitAsync(stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                context = await listener.GetContextAsync().WaitAsync(stopping);
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or OperationCanceledException)
            {
                _slots.Release();
                return;
            }

            // Off the accept loop at once: the handler runs synchronously until its first real wait.
            _ = Task.Run(() => HandleSafelyAsync(context, stopping), CancellationToken.None);
        }
    }

    private async Task HandleSafelyAsync(HttpListenerContext context, CancellationToken stopping)
    {
        try
        {
            await HandleAsync(context, stopping);
        }
#pragma warning disable CA1031 // One request's fault must not end the process.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogHandlerFault(ex);
            try
            {
                context.Response.Abort();
            }
            catch (ObjectDisposedException)
            {
                // Already closed.
            }
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _slots.Dispose();

    private async Task HandleAsync(HttpListenerContext context, CancellationToken stopping)
    {
        FapiVerdict verdict = await _guard.ValidateAsync(context, Scopes, stopping);
        if (!verdict.Succeeded)
        {
            return;
        }

        byte[] body = Encoding.UTF8.GetBytes($"hello, {verdict.Consumer.OrganisationName ?? verdict.Consumer.ClientId}\n");
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.ContentLength64 = body.Length;
        await context.Response.OutputStream.WriteAsync(body, stopping);
        context.Response.Close();
    }

    [LoggerMessage(1, LogLevel.Warning, "A request failed; the server goes on")]
    private partial void LogHandlerFault(Exception exception);
}
