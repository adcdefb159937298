using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Primitives;
using OpenEnergy.Fapi.Http;

namespace OpenEnergy.Fapi.HttpListener;

/// <summary>An <see cref="HttpListenerContext"/> as the core's <see cref="FapiHttpGate"/> sees it: a translation, nothing more.</summary>
internal readonly struct HttpListenerExchange : IFapiHttpExchange
{
    private readonly HttpListenerContext _context;

    public HttpListenerExchange(HttpListenerContext context, CancellationToken aborted)
    {
        _context = context;
        RequestAborted = aborted;
    }

    public string? RawQuery => _context.Request.Url?.Query;

    public IPAddress? RemoteAddress => _context.Request.RemoteEndPoint?.Address;

    // HttpListener cannot listen on a UNIX socket.
    public bool IsUnixSocket => false;

    public CancellationToken RequestAborted { get; }

    // HttpListener sends nothing before the body is written or the response closed, which only the gate and the
    // application do, after the guard.
    public bool HasResponseStarted => false;

    public StringValues GetRequestHeader(string name) => new(_context.Request.Headers.GetValues(name));

    public async ValueTask<X509Certificate2?> GetConnectionCertificateAsync(CancellationToken cancellationToken)
    {
        if (!_context.Request.IsSecureConnection)
        {
            return null;
        }

        try
        {
            return await _context.Request.GetClientCertificateAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
        {
            // A client that went away (or a renegotiation the host refused) has presented no certificate.
            return null;
        }
    }

    // The body stream cannot be rewound for the application, so it is not inspected (documented in PACKAGE.md).
    public ValueTask<ReadOnlyMemory<byte>?> PeekBodyAsync(int maxBytes, CancellationToken cancellationToken) => new((ReadOnlyMemory<byte>?)null);

    public bool HasResponseHeader(string name) => _context.Response.Headers[name] is not null;

    public void SetResponseHeader(string name, string value) => _context.Response.Headers[name] = value;

    public void AppendResponseHeader(string name, string value) => _context.Response.Headers.Add(name, value);

    public void SetStatusCode(int statusCode) => _context.Response.StatusCode = statusCode;

    public async Task CompleteResponseAsync(ReadOnlyMemory<byte> body, string? contentType, CancellationToken cancellationToken)
    {
        HttpListenerResponse response = _context.Response;
        try
        {
            if (!body.IsEmpty)
            {
                response.ContentType = contentType;
                response.ContentLength64 = body.Length;
                await response.OutputStream.WriteAsync(body, cancellationToken).ConfigureAwait(false);
            }

            response.Close();
        }
        catch
        {
            // The client went away (or the write was cancelled): free the connection, then let the gate decide.
            response.Abort();
            throw;
        }
    }
}
