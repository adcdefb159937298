using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using OpenEnergy.Fapi.Certificates;

namespace OpenEnergy.Fapi.Testing;

/// <summary>
/// What the <see cref="FakeAuthorizationServer"/> answers when a token is introspected: an active bound token,
/// an inactive one, raw JSON, a status, a hang, a dropped connection, or any of those after a gate opens. A JSON
/// answer goes out signed (RFC 9701) when the request asks for <c>application/token-introspection+jwt</c>;
/// <see cref="SignedEnvelope"/> builds faulty envelopes.
/// </summary>
public sealed class FakeIntrospectionResponse
{
    private readonly Func<HttpContext, FakeAuthorizationServer, Task> _write;

    /// <summary>The body of a 200 JSON answer, which can be signed; <see langword="null"/> for other answers.</summary>
    private readonly Func<FakeAuthorizationServer, string>? _json;

    private FakeIntrospectionResponse(Func<HttpContext, FakeAuthorizationServer, Task> write) => _write = write;

    private FakeIntrospectionResponse(Func<FakeAuthorizationServer, string> json)
    {
        _json = json;
        _write = (context, server) => FakeAuthorizationServer.AsksForSignedIntrospection(context)
            ? server.WriteSignedIntrospectionAsync(context, json(server), null, null, FakeJwtDefect.None, "PS256", FakeAuthorizationServer.SignedIntrospectionMediaType)
            : WriteAsync(context, 200, "application/json", json(server));
    }

    /// <summary>
    /// <c>{"active":true,…}</c> bound to a certificate, with <c>iat</c> now and <c>exp</c> now + lifetime on the
    /// server's clock, the server's issuer and <c>token_type</c> Bearer.
    /// </summary>
    /// <param name="boundTo">The certificate thumbprint for <c>cnf.x5t#S256</c>; <see langword="null"/> for no <c>cnf</c>.</param>
    /// <param name="scope">The <c>scope</c> member; <see langword="null"/> leaves it out.</param>
    /// <param name="clientId">The consumer's <c>client_id</c>.</param>
    /// <param name="lifetime">Seconds until <c>exp</c>; default 300 s.</param>
    /// <param name="customize">Changes the JSON object before it is sent (add, remove or retype members).</param>
    public static FakeIntrospectionResponse Active(CertificateThumbprint? boundTo, string? scope = null, string clientId = "consumer-client", TimeSpan? lifetime = null, Action<JsonObject>? customize = null)
        => new(server =>
        {
            long now = server.TimeProvider.GetUtcNow().ToUnixTimeSeconds();
            var body = new JsonObject
            {
                ["active"] = true,
                ["client_id"] = clientId,
                ["organisation_id"] = "org-" + clientId,
                ["organisation_name"] = "Organisation of " + clientId,
                ["software_roles"] = new JsonArray("EDSP_L1"),
                ["iat"] = now,
                ["exp"] = now + (long)(lifetime ?? TimeSpan.FromMinutes(5)).TotalSeconds,
                ["iss"] = server.IssuerIdentifier,
                ["token_type"] = "Bearer",
                ["additional_software_metadata"] = new JsonObject { ["metadata"] = new JsonObject { ["something"] = "something else" } },
            };
            if (scope is not null)
            {
                body["scope"] = scope;
            }

            if (boundTo is { } thumbprint)
            {
                body["cnf"] = new JsonObject { ["x5t#S256"] = thumbprint.ToString() };
            }

            customize?.Invoke(body);
            return body.ToJsonString();
        });

    /// <summary><c>{"active":false}</c>, the answer for unknown, expired or revoked tokens.</summary>
    public static FakeIntrospectionResponse Inactive() => Json("{\"active\":false}");

    /// <summary>A body as given.</summary>
    /// <param name="body">The body text.</param>
    /// <param name="contentType">The content type.</param>
    /// <param name="statusCode">The status code.</param>
    public static FakeIntrospectionResponse Json(string body, string contentType = "application/json", int statusCode = 200)
        => statusCode == 200 && contentType == "application/json"
            ? new(_ => body)
            : new((context, _) => WriteAsync(context, statusCode, contentType, body));

    /// <summary>
    /// A signed introspection response (RFC 9701) around a JSON <paramref name="answer"/>, whatever the request asked
    /// for: header <c>alg</c>, <c>kid</c> and <c>typ</c> <c>token-introspection+jwt</c>; claims <c>iss</c>, <c>aud</c> (the
    /// caller's <c>client_id</c>), <c>iat</c> now and <c>token_introspection</c>. The callbacks and
    /// <paramref name="defect"/> spoil it on purpose.
    /// </summary>
    /// <param name="answer">A JSON answer (<see cref="Active"/>, <see cref="Inactive"/> or <see cref="Json"/> with status 200).</param>
    /// <param name="customizeHeader">Changes the JWS header before signing.</param>
    /// <param name="customizeClaims">Changes the claims before signing.</param>
    /// <param name="defect">A deliberate signature fault.</param>
    /// <param name="algorithm">PS256, RS256 or ES256.</param>
    /// <param name="contentType">The response's content type.</param>
    public static FakeIntrospectionResponse SignedEnvelope(FakeIntrospectionResponse answer, Action<JsonObject>? customizeHeader = null, Action<JsonObject>? customizeClaims = null, FakeJwtDefect defect = FakeJwtDefect.None, string algorithm = "PS256", string contentType = FakeAuthorizationServer.SignedIntrospectionMediaType)
    {
        ArgumentNullException.ThrowIfNull(answer);
        Func<FakeAuthorizationServer, string> json = answer._json ?? throw new ArgumentException("Only a 200 JSON answer can be signed.", nameof(answer));
        return new((context, server) => server.WriteSignedIntrospectionAsync(context, json(server), customizeHeader, customizeClaims, defect, algorithm, contentType));
    }

    /// <summary>A status code with an empty body.</summary>
    /// <param name="statusCode">The status code.</param>
    /// <param name="retryAfter">An optional <c>Retry-After</c> header value.</param>
    public static FakeIntrospectionResponse Status(int statusCode, string? retryAfter = null)
        => new((context, _) =>
        {
            context.Response.StatusCode = statusCode;
            if (retryAfter is not null)
            {
                context.Response.Headers.RetryAfter = retryAfter;
            }

            return Task.CompletedTask;
        });

    /// <summary>Accepts the request and never answers (until the client gives up or the server stops).</summary>
    public static FakeIntrospectionResponse Hang()
        => new(async (context, server) =>
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, server.Stopping);
            try
            {
                await Task.Delay(Timeout.Infinite, linked.Token);
            }
            catch (OperationCanceledException)
            {
                // The client gave up or the server is stopping: nothing to answer.
            }
        });

    /// <summary>Drops the connection without an answer.</summary>
    public static FakeIntrospectionResponse Abort()
        => new((context, _) =>
        {
            context.Abort();
            return Task.CompletedTask;
        });

    /// <summary>Answers the first call with the first response, the second with the second, and so on; the last repeats.</summary>
    /// <param name="responses">The answers, in order.</param>
    public static FakeIntrospectionResponse Sequence(params FakeIntrospectionResponse[] responses)
    {
        ArgumentOutOfRangeException.ThrowIfZero(responses.Length);
        int next = -1;
        return new((context, server) =>
        {
            int index = Math.Min(Interlocked.Increment(ref next), responses.Length - 1);
            return responses[index].WriteAsync(context, server);
        });
    }

    /// <summary>
    /// Answers with <paramref name="then"/> after <paramref name="delay"/> on the server's clock: an authorization
    /// server across a network, for load tests (with a fake clock, the answer waits until the test advances it).
    /// </summary>
    /// <param name="delay">How long each answer takes.</param>
    /// <param name="then">The answer.</param>
    public static FakeIntrospectionResponse Delayed(TimeSpan delay, FakeIntrospectionResponse then)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        ArgumentNullException.ThrowIfNull(then);
        return new(async (context, server) =>
        {
            await Task.Delay(delay, server.TimeProvider, server.Stopping);
            await then.WriteAsync(context, server);
        });
    }

    /// <summary>
    /// Answers with <paramref name="then"/> after <paramref name="delay"/>, working on at most
    /// <paramref name="concurrency"/> requests at once (the others wait their turn, first come first served): a shared
    /// server that saturates, for load tests of what happens when the authorization server is the bottleneck.
    /// </summary>
    /// <param name="concurrency">Requests worked on at once.</param>
    /// <param name="delay">The time each one takes.</param>
    /// <param name="then">The answer.</param>
    public static FakeIntrospectionResponse Throttled(int concurrency, TimeSpan delay, FakeIntrospectionResponse then)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        ArgumentNullException.ThrowIfNull(then);
        var workers = new SemaphoreSlim(concurrency, concurrency);
        return new(async (context, server) =>
        {
            await workers.WaitAsync(server.Stopping);
            try
            {
                await Task.Delay(delay, server.TimeProvider, server.Stopping);
            }
            finally
            {
                workers.Release();
            }

            await then.WriteAsync(context, server);
        });
    }

    /// <summary>Waits for <paramref name="gate"/> to complete, then answers with <paramref name="then"/>.</summary>
    /// <param name="gate">Completes when the answer may go.</param>
    /// <param name="then">The answer.</param>
    public static FakeIntrospectionResponse After(Task gate, FakeIntrospectionResponse then)
    {
        ArgumentNullException.ThrowIfNull(then);
        return new(async (context, server) =>
        {
            await gate.WaitAsync(server.Stopping);
            await then.WriteAsync(context, server);
        });
    }

    internal Task WriteAsync(HttpContext context, FakeAuthorizationServer server) => _write(context, server);

    internal static Task WriteAsync(HttpContext context, int statusCode, string contentType, string body)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = contentType;
        return context.Response.WriteAsync(body);
    }
}
