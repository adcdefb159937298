using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using OpenEnergy.Fapi.Http;

namespace OpenEnergy.Fapi.AspNetCore.Http;

/// <summary>An ASP.NET Core request as the core's <see cref="FapiHttpGate"/> sees it: a translation, nothing more.</summary>
internal readonly struct HttpContextExchange : IFapiHttpExchange
{
    private readonly HttpContext _context;

    public HttpContextExchange(HttpContext context) => _context = context;

    public string? RawQuery => _context.Request.QueryString.Value;

    // The socket's own peer, not Connection.RemoteIpAddress, which UseForwardedHeaders rewrites from a header a
    // client can send: only the real peer may vouch for a forwarded certificate. Transports without a socket
    // (in-memory servers) fall back to the connection's address.
    public IPAddress? RemoteAddress
    {
        get
        {
            if (_context.Features.Get<IConnectionSocketFeature>()?.Socket is not { } socket)
            {
                return _context.Connection.RemoteIpAddress;
            }

            try
            {
                return (socket.RemoteEndPoint as IPEndPoint)?.Address;
            }
            catch (ObjectDisposedException)
            {
                // The client went away and Kestrel closed the socket: no peer, so no trust.
                return null;
            }
        }
    }

    // Kestrel's socket transport exposes the connection's socket; a UNIX-socket connection (nginx on a socket,
    // systemd socket activation) is told by its address family, whatever the endpoint configuration.
    public bool IsUnixSocket => _context.Features.Get<IConnectionSocketFeature>()?.Socket is { AddressFamily: AddressFamily.Unix };

    public CancellationToken RequestAborted => _context.RequestAborted;

    public bool HasResponseStarted => _context.Response.HasStarted;

    public StringValues GetRequestHeader(string name) => _context.Request.Headers[name];

    public ValueTask<X509Certificate2?> GetConnectionCertificateAsync(CancellationToken cancellationToken)
        => new(_context.Features.Get<Microsoft.AspNetCore.Http.Features.ITlsConnectionFeature>()?.ClientCertificate);

    public async ValueTask<ReadOnlyMemory<byte>?> PeekBodyAsync(int maxBytes, CancellationToken cancellationToken)
    {
        HttpRequest request = _context.Request;
        // Buffered so that the application still reads the whole body; at most maxBytes + 1 are read here.
        request.EnableBuffering();
        byte[] buffer = new byte[maxBytes + 1];
        int read = 0;
        try
        {
            int n;
            while (read < buffer.Length && (n = await request.Body.ReadAsync(buffer.AsMemory(read), cancellationToken)) > 0)
            {
                read += n;
            }
        }
        catch (Exception ex) when (ex is BadHttpRequestException or IOException || (ex is OperationCanceledException && _context.RequestAborted.IsCancellationRequested))
        {
            // A body the server refuses (too large, cut off) or a client that went away is not ours to judge.
            return null;
        }
        finally
        {
            request.Body.Position = 0;
        }

        return read > maxBytes ? null : buffer.AsMemory(0, read);
    }

    public bool HasResponseHeader(string name) => _context.Response.Headers.ContainsKey(name);

    public void SetResponseHeader(string name, string value) => _context.Response.Headers[name] = value;

    public void AppendResponseHeader(string name, string value) => _context.Response.Headers.Append(name, value);

    public void SetStatusCode(int statusCode) => _context.Response.StatusCode = statusCode;

    public Task CompleteResponseAsync(ReadOnlyMemory<byte> body, string? contentType, CancellationToken cancellationToken)
    {
        if (body.IsEmpty)
        {
            return Task.CompletedTask;
        }

        _context.Response.ContentType = contentType;
        _context.Response.ContentLength = body.Length;
        return _context.Response.Body.WriteAsync(body, cancellationToken).AsTask();
    }
}
