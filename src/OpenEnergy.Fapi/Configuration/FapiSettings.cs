using System.Security.Cryptography.X509Certificates;
using OpenEnergy.Fapi.Certificates;

namespace OpenEnergy.Fapi.Configuration;

/// <summary>
/// The settings of <see cref="FapiOptions"/> that configuration binds: every key under <c>OpenEnergy:Fapi</c>.
/// <see cref="FapiOptions"/> adds what only code can give (certificate objects), which binding therefore never
/// touches, and the settings in force once the profile's defaults apply.
/// Use <see cref="FapiOptions"/>: this type exists so that binding sees only the bindable settings.
/// </summary>
public class FapiSettings
{
    /// <summary>
    /// Which scheme's defaults apply: <see cref="FapiProfile.OpenEnergy"/> (default) or <see cref="FapiProfile.Ib1"/>
    /// (<see cref="ClientIdBinding"/> <c>CertificateUriSan</c>, <see cref="TlsProtocols"/> <c>Tls13</c>, and a role
    /// requirement on every protected endpoint). A key set explicitly wins over the profile's default.
    /// </summary>
    public FapiProfile Profile { get; set; } = FapiProfile.OpenEnergy;

    /// <summary>
    /// How the token's <c>client_id</c> must match the client certificate; unset means the profile's default
    /// (<c>None</c> for Open Energy, <c>CertificateUriSan</c> for IB1).
    /// </summary>
    public ClientIdBinding? ClientIdBinding { get; set; }

    /// <summary>TLS versions for Kestrel's mutual TLS; unset means the profile's default (<c>Tls12AndTls13</c> for Open Energy, <c>Tls13</c> for IB1).</summary>
    public FapiTlsProtocols? TlsProtocols { get; set; }

    /// <summary>
    /// Directory roles accepted by default on every protected endpoint: the client certificate must carry at least
    /// one (IB1 roles extension). An endpoint's own role requirement replaces this list. A configured list replaces
    /// the default, which is empty (no role check, except that the IB1 profile refuses endpoints without any).
    /// </summary>
    public IList<string> AcceptedRoles { get; } = [];

    /// <summary>
    /// How access tokens are checked: <see cref="Configuration.AccessTokenFormat.Opaque"/> (introspect every token),
    /// <see cref="Configuration.AccessTokenFormat.Jwt"/> (validate JWT access tokens locally, never introspect) or
    /// <see cref="Configuration.AccessTokenFormat.Auto"/>. Unset means the profile's default: <c>Opaque</c> for Open
    /// Energy, <c>Auto</c> for IB1. JWTs need <see cref="Audience"/>.
    /// </summary>
    public AccessTokenFormat? AccessTokenFormat { get; set; }

    /// <summary>
    /// The value a JWT access token's <c>aud</c> must contain: this API's identifier at the authorization server,
    /// compared exactly. Required when tokens may be JWTs, unless <see cref="ValidateAudience"/> is turned off. An
    /// introspection answer that carries <c>aud</c> must contain it too.
    /// </summary>
    public string? Audience { get; set; }

    /// <summary>
    /// Whether a JWT access token's <c>aud</c> must contain <see cref="Audience"/>. Default true; turning it off is a
    /// deviation from RFC 9068 §4, for authorization servers that issue tokens without an audience.
    /// </summary>
    public bool ValidateAudience { get; set; } = true;

    /// <summary>
    /// Whether a JWT access token's header must have <c>typ</c> <c>at+jwt</c> (or <c>application/at+jwt</c>, in any
    /// letter case), as RFC 9068 asks. Default true; turn off for servers that write <c>JWT</c>.
    /// </summary>
    public bool RequireAccessTokenType { get; set; } = true;

    /// <summary>
    /// The JWS algorithms accepted for JWT access tokens and signed introspection responses. Empty (the default)
    /// means PS256 and ES256; a configured list replaces the default. Allowed values: PS256, PS384, PS512, ES256,
    /// ES384, ES512, RS256, RS384, RS512. <c>none</c>, HS* and EdDSA are start-up errors. Whatever the list, a key
    /// is used only with algorithms of its own type.
    /// </summary>
    public IList<string> AllowedSigningAlgorithms { get; } = [];

    /// <summary>
    /// The shortest time between two fetches of the issuer's key set made because a token named an unknown
    /// <c>kid</c>: a flood of invented key ids costs one fetch per interval. Default 30 s; at least 1 s.
    /// </summary>
    public TimeSpan JwksRefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a fetched key set is used before it is fetched again in the background. Default 1 hour.</summary>
    public TimeSpan JwksAutomaticRefreshInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// What to ask the introspection endpoint for: <see cref="Configuration.IntrospectionResponseFormat.Json"/>
    /// (default) or <see cref="Configuration.IntrospectionResponseFormat.Jwt"/> (RFC 9701 signed answers).
    /// </summary>
    public IntrospectionResponseFormat IntrospectionResponseFormat { get; set; } = IntrospectionResponseFormat.Json;

    /// <summary>The oldest a signed introspection response's <c>iat</c> may be. Default 60 s.</summary>
    public TimeSpan IntrospectionResponseMaxAge { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The authorization server's base URL: <c>{Issuer}/.well-known/openid-configuration</c> is its discovery
    /// document. Required; <c>https</c> unless <see cref="AllowInsecureHttp"/> is set.
    /// </summary>
    public string? Issuer { get; set; }

    /// <summary>The data provider's own client id at the directory, sent as <c>client_id</c> when introspecting. Required.</summary>
    public string? ClientId { get; set; }

    /// <summary>
    /// PEM file of the provider's own directory-issued transport certificate, presented as the TLS client
    /// certificate to the authorization server. Required unless <see cref="FapiOptions.ClientCertificate"/> is set.
    /// </summary>
    public string? CertificatePath { get; set; }

    /// <summary>PEM file of the private key of <see cref="CertificatePath"/> (PKCS#8, PKCS#1 or SEC1; encrypted PKCS#8 with <see cref="PrivateKeyPassword"/>).</summary>
    public string? PrivateKeyPath { get; set; }

    /// <summary>Password of an encrypted private key.</summary>
    public string? PrivateKeyPassword { get; set; }

    /// <summary>
    /// Optional PEM bundle of CA certificates trusted for the authorization server's TLS certificate, in
    /// addition to the system roots. The host name is checked either way.
    /// </summary>
    public string? AuthorizationServerCaPath { get; set; }

    /// <summary>
    /// Which roots are trusted for the authorization server: <see cref="Configuration.AuthorizationServerTrust.SystemAndBundle"/>
    /// (default) or <see cref="Configuration.AuthorizationServerTrust.BundleOnly"/> (only <see cref="AuthorizationServerCaPath"/>;
    /// a start-up error without a bundle).
    /// </summary>
    public AuthorizationServerTrust AuthorizationServerTrust { get; set; } = AuthorizationServerTrust.SystemAndBundle;

    /// <summary>Overrides discovery: introspect at this URL. Discovery is then not used.</summary>
    public string? IntrospectionEndpoint { get; set; }

    /// <summary>
    /// The <c>iss</c> expected in introspection results when <see cref="IntrospectionEndpoint"/> is set (otherwise
    /// the discovery document's <c>issuer</c> is used). When neither is known, <c>iss</c> is not checked.
    /// </summary>
    public string? ExpectedIssuer { get; set; }

    /// <summary>The longest an active introspection result is reused (never beyond its <c>exp</c>). Default 60 s: this is how late a revocation is seen.</summary>
    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long an <c>active:false</c> answer is reused. Default 5 s.</summary>
    public TimeSpan InactiveCacheDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Allowance for clock differences, applied to <c>iat</c> and <c>nbf</c> (never to <c>exp</c>). Default 10 s.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The shared second-level cache (<c>OpenEnergy:Fapi:SharedCache</c>): used only when a store is registered with
    /// <c>AddSharedCache</c> or <c>AddRedisSharedCache</c>. Active answers only; inactive ones stay in this process.
    /// </summary>
    public SharedCacheOptions SharedCache { get; set; } = new();

    /// <summary>The most introspection results kept in memory. Default 100,000.</summary>
    public int CacheSizeLimit { get; set; } = 100_000;

    /// <summary>Upper bound for one introspection (discovery included), after which the request gets 503. Default 5 s.</summary>
    public TimeSpan IntrospectionTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Bound on one attempt of an introspection or discovery call (until the response headers). Default 2 s.</summary>
    public TimeSpan IntrospectionAttemptTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Retries after a transient fault (connection error, attempt timeout, 5xx, 429), always within
    /// <see cref="IntrospectionTimeout"/>. Default 2; 0 turns retries off.
    /// </summary>
    public int IntrospectionRetryCount { get; set; } = 2;

    /// <summary>The first retry's delay (doubling, with jitter; a 429's <c>Retry-After</c> wins). Default 200 ms.</summary>
    public TimeSpan IntrospectionRetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// The circuit breaker opens when at least this share of introspections fail (after retries) within
    /// <see cref="CircuitBreakerSamplingDuration"/>, and at least <see cref="CircuitBreakerMinimumThroughput"/>
    /// were made. While open, requests needing an introspection get 503 at once. Default 0.5.
    /// </summary>
    public double CircuitBreakerFailureRatio { get; set; } = 0.5;

    /// <summary>The fewest introspections in the sampling window before the breaker may open. Default 10.</summary>
    public int CircuitBreakerMinimumThroughput { get; set; } = 10;

    /// <summary>The breaker's sampling window. Default 30 s.</summary>
    public TimeSpan CircuitBreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the breaker stays open before it lets one call test the server. Default 5 s.</summary>
    public TimeSpan CircuitBreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The most introspection calls under way at once (distinct tokens). Default 64.</summary>
    public int MaxConcurrentIntrospections { get; set; } = 64;

    /// <summary>The most introspection calls waiting for a slot; beyond it, 503 at once. Default 256.</summary>
    public int MaxQueuedIntrospections { get; set; } = 256;

    /// <summary>
    /// The wait for the authorization server that calls are held to. A call waits for one of
    /// <see cref="MaxConcurrentIntrospections"/> first come, first served, for at most this long; a call whose wait,
    /// judged from how long calls have lately taken, would be longer is refused at once (503 with
    /// <c>Retry-After</c>), as is one that finds <see cref="MaxQueuedIntrospections"/> waiting. The wait in the
    /// server's own queue is a target, not a bound (that is <see cref="IntrospectionTimeout"/>): it shows as calls
    /// slower than the server's quickest recent active answer, and while it exceeds half this timeout fewer calls run
    /// at once (down to one), so that the waiting happens here, bounded and in order. Default 1 s; at most 1 minute.
    /// A short one (tens of milliseconds) keeps the served requests' tail short when the server is the bottleneck,
    /// for more 503s; half of it must stay well above the usual spread of the server's answer times.
    /// </summary>
    public TimeSpan IntrospectionQueueTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The most authorization-server calls one client (keyed by its certificate's thumbprint) may have under way
    /// or queued at once; beyond it the request gets 429 with <c>Retry-After</c> and no call is made. Cache hits
    /// and requests that join a call already under way never count. Checked before the global limit, so one
    /// caller flooding new tokens cannot take every slot. Default 8.
    /// </summary>
    public int MaxConcurrentIntrospectionsPerClient { get; set; } = 8;

    /// <summary>How long a fetched discovery document is used before it is fetched again. Default 1 hour.</summary>
    public TimeSpan DiscoveryRefreshInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The <c>Retry-After</c> sent with 503 when the authorization server cannot answer. Default 5 s.</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The <c>realm</c> of every <c>WWW-Authenticate</c> challenge. Default <c>open-energy</c>.</summary>
    public string Realm { get; set; } = "open-energy";

    /// <summary>
    /// Compatibility with the Python reference: compare scopes without regard to case. Off by default, since
    /// scope values are case-sensitive (RFC 6749 §3.3).
    /// </summary>
    public bool CaseInsensitiveScopes { get; set; }

    /// <summary>Allows an <c>http</c> issuer and endpoints. For tests only; never in production.</summary>
    public bool AllowInsecureHttp { get; set; }

    /// <summary>
    /// The request header that a trusted TLS-terminating proxy fills with the client certificate
    /// (e.g. <c>X-OE-CLIENT-CERT</c>). Off (no header is read) unless set. Used by the adapters.
    /// </summary>
    public string? ClientCertificateHeader { get; set; }

    /// <summary>The encoding of <see cref="ClientCertificateHeader"/>. Default: detected from the value.</summary>
    public ForwardedCertificateFormat ClientCertificateHeaderFormat { get; set; } = ForwardedCertificateFormat.Auto;

    /// <summary>
    /// The longest forwarded-certificate header value read, in characters; a longer one counts as no
    /// certificate (401). Default 32,768, also the most allowed; at least 16,384, so a URL-encoded chain of three
    /// certificates fits.
    /// </summary>
    public int MaxForwardedCertificateHeaderLength { get; set; } = 32 * 1024;

    /// <summary>
    /// Optional header in which the proxy states its own chain verdict (nginx <c>$ssl_client_verify</c>); when
    /// set, a forwarded certificate counts only if this header is exactly <c>SUCCESS</c>.
    /// </summary>
    public string? ClientCertificateVerifyHeader { get; set; }

    /// <summary>
    /// Addresses and CIDR ranges whose forwarded certificate headers are believed. Empty means the default:
    /// loopback and UNIX-socket connections (on TCP loopback that trusts every local user of the machine: prefer a
    /// UNIX socket readable by the proxy alone). A configured list replaces the default. Entries that cover every
    /// IPv4 or IPv6 address, or that have host bits set (<c>10.0.0.1/8</c>), are refused at start-up. Used by the adapters.
    /// </summary>
    public IList<string> TrustedProxies { get; } = [];

    /// <summary>PEM bundle of the directory's CA certificates, the only roots trusted for client certificates on direct TLS. Used by the adapters.</summary>
    public string? TrustedClientCaPath { get; set; }

    /// <summary>Revocation checking of direct-TLS client certificates: <c>NoCheck</c> (default, as nginx without <c>ssl_crl</c>), <c>Online</c> or <c>Offline</c>.</summary>
    public System.Security.Cryptography.X509Certificates.X509RevocationMode ClientCertificateRevocationMode { get; set; } = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck;

    /// <summary>
    /// How often the transport certificate, its key and the CA bundles (<see cref="CertificatePath"/>,
    /// <see cref="PrivateKeyPath"/>, <see cref="AuthorizationServerCaPath"/>, <see cref="TrustedClientCaPath"/>) are
    /// checked for changes, as a fallback to file-change notifications (which miss some replacements, such as a
    /// symbolic link swapped on a network file system). Changed files are loaded without a restart. Default 1 minute.
    /// </summary>
    public TimeSpan CertificateReloadInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long the health check's probe of the authorization server is reused before it is made again (probes never
    /// hammer the server), and how long a client certificate's chain verdict is remembered when revocation is
    /// checked. Default 60 s.
    /// </summary>
    public TimeSpan HealthProbeInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long before a certificate expires (the transport certificate or one of the CA bundles) the health check
    /// reports <c>Degraded</c> and start-up warns. Default 30 days.
    /// </summary>
    public TimeSpan HealthCertificateExpiryWarning { get; set; } = FapiDefaults.CertificateExpiryWarning;

    /// <summary>
    /// Adds the client certificate's thumbprint to the validation span (off by default: a thumbprint identifies a
    /// client, and traces often travel further than logs).
    /// </summary>
    public bool TraceThumbprints { get; set; }
}
