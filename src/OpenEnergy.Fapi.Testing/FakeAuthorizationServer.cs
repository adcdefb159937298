using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenEnergy.Fapi.Certificates;

namespace OpenEnergy.Fapi.Testing;

/// <summary>
/// A fake Open Energy authorization server on a real loopback HTTPS port that requires a client certificate:
/// OpenID discovery, RFC 7662 introspection scripted per token (signed, RFC 9701, when asked), a key set at
/// <c>jwks_uri</c> (an RSA key for PS256 and a P-256 key for ES256, rotated on demand), and a
/// <c>client_credentials</c> token endpoint issuing opaque tokens or RFC 9068 JWTs bound to the caller's
/// certificate. It counts and records every call, and mints deliberately faulty JWTs for tests.
/// </summary>
public sealed class FakeAuthorizationServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly FakeAuthorizationServerOptions _options;
    private readonly ConcurrentDictionary<string, FakeIntrospectionResponse> _responses = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<RecordedIntrospection> _introspections = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly bool _ownsAuthority;
    private readonly List<(int Count, TaskCompletionSource Signal)> _waiters = [];
    private int _introspectionCount;
    private int _discoveryCount;
    private int _tokenCount;
    private int _jwksCount;
    private readonly ConcurrentQueue<string> _issued = new();
    private readonly FakeSigningKeys _keys = new();

    /// <summary>The media type of a signed introspection response (RFC 9701).</summary>
    public const string SignedIntrospectionMediaType = "application/token-introspection+jwt";

    /// <summary>The <c>aud</c> of the JWT access tokens the token endpoint issues unless <see cref="FakeAuthorizationServerOptions.JwtAudience"/> says otherwise.</summary>
    public const string DefaultJwtAudience = "https://provider.openenergy.example";

    private FakeAuthorizationServer(WebApplication app, FakeAuthorizationServerOptions options, TestCertificateAuthority authority, bool ownsAuthority)
    {
        _app = app;
        _options = options;
        Authority = authority;
        _ownsAuthority = ownsAuthority;
        TimeProvider = options.TimeProvider ?? TimeProvider.System;
    }

    /// <summary>The CA that issued the server's TLS certificate: trust it for the authorization server.</summary>
    public TestCertificateAuthority Authority { get; }

    /// <summary>The server's base URL (<c>https://localhost:port</c>): the <c>Issuer</c> setting of a provider.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The <c>issuer</c> published in discovery and in <c>iss</c>.</summary>
    public string IssuerIdentifier => _options.IssuerIdentifier ?? BaseAddress.ToString().TrimEnd('/');

    /// <summary>The plain introspection endpoint.</summary>
    public Uri IntrospectionEndpoint => new(BaseAddress, "introspect");

    /// <summary>The mutual-TLS alias of the introspection endpoint (RFC 8705 §5).</summary>
    public Uri MtlsIntrospectionEndpoint => new(BaseAddress, "mtls/introspect");

    /// <summary>The token endpoint (<c>client_credentials</c> over mutual TLS).</summary>
    public Uri TokenEndpoint => new(BaseAddress, "mtls/token");

    /// <summary>The key set's URL, published in discovery as <c>jwks_uri</c>.</summary>
    public Uri JwksUri => new(BaseAddress, "jwks");

    /// <summary>The <c>kid</c> of the current RSA key (PS256 and RS256).</summary>
    public string RsaKeyId => _keys.RsaKeyId;

    /// <summary>The <c>kid</c> of the current P-256 key (ES256).</summary>
    public string EcKeyId => _keys.EcKeyId;

    /// <summary>What the key set endpoint answers; <see langword="null"/> (the default) for the current keys.</summary>
    public FakeIntrospectionResponse? JwksResponse { get; set; }

    /// <summary>How many key set requests arrived.</summary>
    public int JwksCount => Volatile.Read(ref _jwksCount);

    /// <summary>The server's clock.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>What discovery answers; <see langword="null"/> (the default) for the normal document.</summary>
    public FakeIntrospectionResponse? DiscoveryResponse { get; set; }

    /// <summary>The answer for tokens that were never scripted or issued; <see cref="FakeIntrospectionResponse.Inactive"/> by default.</summary>
    public FakeIntrospectionResponse UnknownTokenResponse { get; set; } = FakeIntrospectionResponse.Inactive();

    /// <summary>How many introspection requests arrived.</summary>
    public int IntrospectionCount => Volatile.Read(ref _introspectionCount);

    /// <summary>How many discovery requests arrived.</summary>
    public int DiscoveryCount => Volatile.Read(ref _discoveryCount);

    /// <summary>How many tokens the token endpoint issued.</summary>
    public int TokenCount => Volatile.Read(ref _tokenCount);

    /// <summary>Every token the token endpoint issued, in order (revoke one with <see cref="Revoke"/>).</summary>
    public IReadOnlyCollection<string> IssuedTokens => _issued;

    /// <summary>Makes a token introspect as inactive from now on (a revocation).</summary>
    /// <param name="token">The token.</param>
    public void Revoke(string token) => SetResponse(token, FakeIntrospectionResponse.Inactive());

    /// <summary>Every introspection request, in order of arrival.</summary>
    public IReadOnlyCollection<RecordedIntrospection> Introspections => _introspections;

    /// <summary>Raised when an introspection request arrives, before it is answered.</summary>
    public event Action<RecordedIntrospection>? IntrospectionReceived;

    internal CancellationToken Stopping => _stopping.Token;

    /// <summary>Starts a server on a free loopback port.</summary>
    /// <param name="options">Settings; defaults when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<FakeAuthorizationServer> StartAsync(FakeAuthorizationServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new FakeAuthorizationServerOptions();
        bool ownsAuthority = options.Authority is null;
        TestCertificateAuthority authority = options.Authority ?? TestCertificateAuthority.Create("Fake Authorization Server CA", options.TimeProvider);
        X509Certificate2 serverCertificate = options.ServerCertificate ?? authority.IssueServerCertificate("localhost");

        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, options.Port, listen => listen.UseHttps(https =>
        {
            https.ServerCertificate = serverCertificate;
            https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
            // Any certificate gets through the handshake; the endpoints decide whom they serve.
            https.AllowAnyClientCertificate();
        })));

        WebApplication app = builder.Build();
        var server = new FakeAuthorizationServer(app, options, authority, ownsAuthority);
        server.MapEndpoints();
        await app.StartAsync(cancellationToken);
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        int port = new Uri(address).Port;
        server.BaseAddress = new Uri($"https://localhost:{port}/");
        return server;
    }

    /// <summary>Scripts the answer for one token.</summary>
    /// <param name="token">The token.</param>
    /// <param name="response">The answer.</param>
    public void SetResponse(string token, FakeIntrospectionResponse response)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(response);
        _responses[token] = response;
    }

    /// <summary>Makes a new random token that introspects as active, bound to a certificate.</summary>
    /// <param name="boundTo">The certificate the token is bound to.</param>
    /// <param name="scope">The token's scopes.</param>
    /// <param name="clientId">The consumer's client id.</param>
    /// <param name="lifetime">Time to <c>exp</c>.</param>
    /// <param name="customize">Changes the introspection JSON.</param>
    public string IssueToken(X509Certificate2 boundTo, string? scope = null, string clientId = "consumer-client", TimeSpan? lifetime = null, Action<JsonObject>? customize = null)
    {
        ArgumentNullException.ThrowIfNull(boundTo);
        string token = NewToken();
        SetResponse(token, FakeIntrospectionResponse.Active(CertificateThumbprint.FromCertificate(boundTo), scope, clientId, lifetime, customize));
        return token;
    }

    /// <summary>Makes a new random token string that nothing is scripted for.</summary>
    public static string NewToken() => "oe_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Completes once at least <paramref name="count"/> introspection requests have arrived.</summary>
    /// <param name="count">The number of requests to wait for.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    public Task WaitForIntrospectionsAsync(int count, CancellationToken cancellationToken = default)
    {
        lock (_waiters)
        {
            if (IntrospectionCount >= count)
            {
                return Task.CompletedTask;
            }

            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, signal));
            return signal.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Forgets the recorded calls and resets the counters.</summary>
    public void ResetCounters()
    {
        _introspections.Clear();
        Interlocked.Exchange(ref _introspectionCount, 0);
        Interlocked.Exchange(ref _discoveryCount, 0);
        Interlocked.Exchange(ref _tokenCount, 0);
        Interlocked.Exchange(ref _jwksCount, 0);
    }

    /// <summary>Replaces the signing keys with new ones under new <c>kid</c>s.</summary>
    /// <param name="keepPrevious">Whether the key set still publishes the old keys (a rotation with overlap).</param>
    public void RotateSigningKeys(bool keepPrevious = false) => _keys.Rotate(keepPrevious);

    /// <summary>
    /// Makes an RFC 9068 JWT access token bound to a certificate: header <c>typ</c> <c>at+jwt</c>, <c>alg</c> and the
    /// <c>kid</c> of the matching key; claims <c>iss</c>, <c>sub</c>, <c>aud</c>, <c>client_id</c>, <c>iat</c>, <c>exp</c>,
    /// <c>jti</c>, <c>scope</c> and <c>cnf.x5t#S256</c>. Introspecting it answers active, like an opaque token.
    /// </summary>
    /// <param name="boundTo">The certificate the token is bound to.</param>
    /// <param name="scope">The token's scopes.</param>
    /// <param name="clientId">The consumer's client id (also <c>sub</c>).</param>
    /// <param name="lifetime">Time to <c>exp</c>; default 5 minutes.</param>
    /// <param name="algorithm">PS256 (default), ES256 or RS256.</param>
    /// <param name="audience">The <c>aud</c>; default <see cref="FakeAuthorizationServerOptions.JwtAudience"/>.</param>
    /// <param name="customizeClaims">Changes the claims before signing (remove one to test a missing claim).</param>
    /// <param name="customizeHeader">Changes the header before signing.</param>
    /// <param name="defect">A deliberate fault; see <see cref="FakeJwtDefect"/>.</param>
    public string IssueJwt(X509Certificate2 boundTo, string? scope = null, string clientId = "consumer-client", TimeSpan? lifetime = null, string algorithm = "PS256", string? audience = null, Action<JsonObject>? customizeClaims = null, Action<JsonObject>? customizeHeader = null, FakeJwtDefect defect = FakeJwtDefect.None)
    {
        ArgumentNullException.ThrowIfNull(boundTo);
        DateTimeOffset now = TimeProvider.GetUtcNow();
        TimeSpan life = lifetime ?? TimeSpan.FromMinutes(5);
        var claims = new JsonObject
        {
            ["iss"] = IssuerIdentifier,
            ["sub"] = clientId,
            ["aud"] = audience ?? _options.JwtAudience,
            ["client_id"] = clientId,
            ["iat"] = now.ToUnixTimeSeconds(),
            ["exp"] = (now + life).ToUnixTimeSeconds(),
            ["jti"] = Guid.NewGuid().ToString(),
            ["cnf"] = new JsonObject { ["x5t#S256"] = CertificateThumbprint.FromCertificate(boundTo).ToString() },
        };
        if (scope is not null)
        {
            claims["scope"] = scope;
        }

        string alg = defect switch
        {
            FakeJwtDefect.AlgorithmNone => "none",
            FakeJwtDefect.HmacWithPublicKey => "HS256",
            FakeJwtDefect.Es256HeaderOnRsaKey => "ES256",
            FakeJwtDefect.Rs256 => "RS256",
            _ => algorithm,
        };
        var header = new JsonObject
        {
            ["alg"] = alg,
            ["typ"] = "at+jwt",
            ["kid"] = defect is FakeJwtDefect.HmacWithPublicKey or FakeJwtDefect.Es256HeaderOnRsaKey || alg is not "ES256" ? _keys.RsaKeyId : _keys.EcKeyId,
        };
        customizeClaims?.Invoke(claims);
        customizeHeader?.Invoke(header);
        string token = _keys.Sign(header, claims, defect == FakeJwtDefect.Es256HeaderOnRsaKey ? FakeJwtDefect.None : defect);

        // The server stands by its own tokens when asked about them; the validator must still refuse faulty ones.
        SetResponse(token, FakeIntrospectionResponse.Active(CertificateThumbprint.FromCertificate(boundTo), scope, clientId, life));
        return token;
    }

    internal static bool AsksForSignedIntrospection(HttpContext context)
        => context.Request.Headers.Accept.ToString().Contains(SignedIntrospectionMediaType, StringComparison.OrdinalIgnoreCase);

    internal Task WriteSignedIntrospectionAsync(HttpContext context, string answer, Action<JsonObject>? customizeHeader, Action<JsonObject>? customizeClaims, FakeJwtDefect defect, string algorithm, string contentType)
    {
        var header = new JsonObject
        {
            ["alg"] = algorithm,
            ["kid"] = algorithm == "ES256" ? _keys.EcKeyId : _keys.RsaKeyId,
            ["typ"] = "token-introspection+jwt",
        };
        var claims = new JsonObject
        {
            ["iss"] = IssuerIdentifier,
            ["aud"] = context.Items[CallerClientIdItem] as string ?? "",
            ["iat"] = TimeProvider.GetUtcNow().ToUnixTimeSeconds(),
            ["token_introspection"] = ParseOrKeep(answer),
        };
        customizeHeader?.Invoke(header);
        customizeClaims?.Invoke(claims);
        return FakeIntrospectionResponse.WriteAsync(context, 200, contentType, _keys.Sign(header, claims, defect));
    }

    // A body that is not JSON goes into the envelope as a string, for tests of that fault.
    private static JsonNode? ParseOrKeep(string answer)
    {
        try
        {
            return JsonNode.Parse(answer);
        }
        catch (System.Text.Json.JsonException)
        {
            return JsonValue.Create(answer);
        }
    }

    /// <summary>A copy of the published key set (<c>{"keys":[…]}</c>), to serve altered through <see cref="JwksResponse"/>.</summary>
    public JsonObject KeySet() => _keys.ToJwks();

    private const string CallerClientIdItem = "OpenEnergy.Fapi.Testing.ClientId";

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
        _keys.Dispose();
        if (_ownsAuthority)
        {
            Authority.Dispose();
        }
    }

    private void MapEndpoints()
    {
        _app.MapGet("/.well-known/openid-configuration", async context =>
        {
            Interlocked.Increment(ref _discoveryCount);
            if (DiscoveryResponse is { } scripted)
            {
                await scripted.WriteAsync(context, this);
                return;
            }

            var document = new JsonObject
            {
                ["issuer"] = IssuerIdentifier,
                ["introspection_endpoint"] = IntrospectionEndpoint.ToString(),
                ["jwks_uri"] = JwksUri.ToString(),
                ["introspection_signing_alg_values_supported"] = new JsonArray("PS256", "ES256", "RS256"),
                ["token_endpoint"] = new Uri(BaseAddress, "token").ToString(),
                ["grant_types_supported"] = new JsonArray("client_credentials"),
                ["token_endpoint_auth_methods_supported"] = new JsonArray("tls_client_auth"),
                ["tls_client_certificate_bound_access_tokens"] = true,
            };
            if (_options.PublishMtlsAliases)
            {
                document["mtls_endpoint_aliases"] = new JsonObject
                {
                    ["introspection_endpoint"] = MtlsIntrospectionEndpoint.ToString(),
                    ["token_endpoint"] = TokenEndpoint.ToString(),
                };
            }

            await context.Response.WriteAsJsonAsync(document);
        });

        _app.MapGet("/jwks", async context =>
        {
            Interlocked.Increment(ref _jwksCount);
            if (JwksResponse is { } scripted)
            {
                await scripted.WriteAsync(context, this);
                return;
            }

            context.Response.ContentType = "application/jwk-set+json";
            await context.Response.WriteAsync(_keys.ToJwks().ToJsonString());
        });
        _app.MapPost("/introspect", Introspect);
        _app.MapPost("/mtls/introspect", Introspect);
        _app.MapPost("/token", IssueFromTokenEndpoint);
        _app.MapPost("/mtls/token", IssueFromTokenEndpoint);
    }

    private async Task Introspect(HttpContext context)
    {
        X509Certificate2? caller = await context.Connection.GetClientCertificateAsync();
        Dictionary<string, string> form = context.Request.HasFormContentType
            ? (await context.Request.ReadFormAsync()).ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);
        var record = new RecordedIntrospection(
            context.Request.Path.Value ?? "",
            context.Request.Method,
            context.Request.ContentType,
            context.Request.Headers.Accept.ToString(),
            form,
            caller is null ? null : CertificateThumbprint.FromCertificate(caller));
        if (_options.RecordIntrospections)
        {
            _introspections.Enqueue(record);
        }

        Interlocked.Increment(ref _introspectionCount);
        IntrospectionReceived?.Invoke(record);
        ReleaseWaiters();

        if (!IsAllowedIntrospectionClient(caller, form))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            await context.Response.WriteAsJsonAsync(new JsonObject { ["error"] = "invalid_client" });
            return;
        }

        context.Items[CallerClientIdItem] = form.GetValueOrDefault("client_id");
        FakeIntrospectionResponse response = form.TryGetValue("token", out string? token) && _responses.TryGetValue(token, out FakeIntrospectionResponse? scripted)
            ? scripted
            : UnknownTokenResponse;
        await response.WriteAsync(context, this);
    }

    private void ReleaseWaiters()
    {
        lock (_waiters)
        {
            int count = IntrospectionCount;
            _waiters.RemoveAll(w =>
            {
                if (w.Count > count)
                {
                    return false;
                }

                w.Signal.TrySetResult();
                return true;
            });
        }
    }

    private bool IsAllowedIntrospectionClient(X509Certificate2? caller, Dictionary<string, string> form)
    {
        if (caller is null)
        {
            return false;
        }

        if (_options.IntrospectionClientCertificate is { } expected && !caller.RawDataMemory.Span.SequenceEqual(expected.RawDataMemory.Span))
        {
            return false;
        }

        return _options.IntrospectionClientId is not { } clientId || (form.TryGetValue("client_id", out string? sent) && sent == clientId);
    }

    private async Task IssueFromTokenEndpoint(HttpContext context)
    {
        X509Certificate2? caller = await context.Connection.GetClientCertificateAsync();
        IFormCollection form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync() : FormCollection.Empty;
        if (caller is null || form["grant_type"] != "client_credentials")
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsJsonAsync(new JsonObject { ["error"] = caller is null ? "invalid_client" : "unsupported_grant_type" });
            return;
        }

        string scope = form["scope"].ToString() is { Length: > 0 } requested ? requested : _options.DefaultScope;
        string clientId = form["client_id"].ToString() is { Length: > 0 } id ? id : caller.GetNameInfo(X509NameType.SimpleName, false);
        X509Certificate2 boundTo = _options.BindIssuedTokensTo ?? caller;
        string token = _options.IssueJwtAccessTokens
            ? IssueJwt(boundTo, scope.Length == 0 ? null : scope, clientId, _options.TokenLifetime, _options.JwtSigningAlgorithm)
            : IssueToken(boundTo, scope.Length == 0 ? null : scope, clientId, _options.TokenLifetime);
        _issued.Enqueue(token);
        Interlocked.Increment(ref _tokenCount);
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.WriteAsJsonAsync(new JsonObject
        {
            ["access_token"] = token,
            ["token_type"] = "Bearer",
            ["expires_in"] = (long)_options.TokenLifetime.TotalSeconds,
            ["scope"] = scope,
        });
    }
}
