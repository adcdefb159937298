using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using OpenEnergy.Fapi.Certificates;

namespace OpenEnergy.Fapi.Testing;

/// <summary>
/// What the <see cref="FakeAuthorizationServer"/> answers when a token is introspected: an active bound token,
/// an inactive one, raw JSON, a status, a hang, a dropped connection, or any of those after a gate opens.
/// </summary>
public sealed class FakeIntrospectionResponse
{
    private readonly Func<HttpContext, FakeAuthorizationServer, Task> _write;

    private FakeIntrospectionResponse(Func<HttpContext, FakeAuthorizationServer, Task> write) => _write = write;

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
        => new((context, server) =>
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
            return WriteAsync(context, 200, "application/json", body.ToJsonString());
        });

    /// <summary><c>{"active":false}</c>, the answer for unknown, expired or revoked tokens.</summary>
    public static FakeIntrospectionResponse Inactive() => Json("{\"active\":false}");

    /// <summary>A body as given.</summary>
    /// <param name="body">The body text.</param>
    /// <param name="contentType">The content type.</param>
    /// <param name="statusCode">The status code.</param>
    public static FakeIntrospectionResponse Json(string body, string contentType = "application/json", int statusCode = 200)
        => new((context, _) => WriteAsync(context, statusCode, contentType, body));

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

    private static Task WriteAsync(HttpContext context, int statusCode, string contentType, string body)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = contentType;
        return context.Response.WriteAsync(body);
    }
}
