using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Primitives;

namespace OpenEnergy.Fapi.Http;

/// <summary>
/// One request and its response, as a host adapter shows them to <see cref="FapiHttpGate"/>. An adapter
/// implements it as a small struct over its host's types and does nothing else: which certificate counts, how
/// the token is looked for and how a refusal is written are decided once, in the gate.
/// </summary>
public interface IFapiHttpExchange
{
    /// <summary>Every value of a request header (none when absent), kept apart when the host keeps them apart.</summary>
    /// <param name="name">The header name.</param>
    StringValues GetRequestHeader(string name);

    /// <summary>The raw query string, with or without its leading <c>?</c>; empty or <see langword="null"/> for none.</summary>
    string? RawQuery { get; }

    /// <summary>The peer's address, or <see langword="null"/> when the host gives none.</summary>
    IPAddress? RemoteAddress { get; }

    /// <summary>Whether the connection arrived on a UNIX domain socket, from the connection's endpoint type.</summary>
    bool IsUnixSocket { get; }

    /// <summary>Signals that the client went away.</summary>
    CancellationToken RequestAborted { get; }

    /// <summary>Whether the response's status and headers have been sent.</summary>
    bool HasResponseStarted { get; }

    /// <summary>The TLS client certificate of the connection, when the host terminates TLS; otherwise <see langword="null"/>.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    ValueTask<X509Certificate2?> GetConnectionCertificateAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The request body, read without taking it from the application, when it is at most
    /// <paramref name="maxBytes"/> long; <see langword="null"/> when it is longer or the host cannot read it twice
    /// (the body is then not inspected).
    /// </summary>
    /// <param name="maxBytes">The most bytes worth reading.</param>
    /// <param name="cancellationToken">Stops reading.</param>
    ValueTask<ReadOnlyMemory<byte>?> PeekBodyAsync(int maxBytes, CancellationToken cancellationToken);

    /// <summary>Whether the response already has a header.</summary>
    /// <param name="name">The header name.</param>
    bool HasResponseHeader(string name);

    /// <summary>Sets (replaces) a response header.</summary>
    /// <param name="name">The header name.</param>
    /// <param name="value">The value.</param>
    void SetResponseHeader(string name, string value);

    /// <summary>Adds a value to a response header, keeping any it already has (another scheme's challenge).</summary>
    /// <param name="name">The header name.</param>
    /// <param name="value">The value.</param>
    void AppendResponseHeader(string name, string value);

    /// <summary>Sets the response status.</summary>
    /// <param name="statusCode">The status code.</param>
    void SetStatusCode(int statusCode);

    /// <summary>Writes the whole response body and ends the response where the host needs that.</summary>
    /// <param name="body">The body (may be empty).</param>
    /// <param name="contentType">Its content type, or <see langword="null"/> for an empty body.</param>
    /// <param name="cancellationToken">Stops writing.</param>
    Task CompleteResponseAsync(ReadOnlyMemory<byte> body, string? contentType, CancellationToken cancellationToken);
}
