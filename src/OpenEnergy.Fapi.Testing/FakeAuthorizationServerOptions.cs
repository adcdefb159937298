using System.Security.Cryptography.X509Certificates;

namespace OpenEnergy.Fapi.Testing;

/// <summary>Settings of a <see cref="FakeAuthorizationServer"/>.</summary>
public sealed class FakeAuthorizationServerOptions
{
    /// <summary>The CA that issues the server's TLS certificate; a new one when <see langword="null"/>.</summary>
    public TestCertificateAuthority? Authority { get; set; }

    /// <summary>The server's TLS certificate; issued by <see cref="Authority"/> for <c>localhost</c> when <see langword="null"/>.</summary>
    public X509Certificate2? ServerCertificate { get; set; }

    /// <summary>The <c>issuer</c> published in discovery and put in <c>iss</c>; the server's base URL when <see langword="null"/>.</summary>
    public string? IssuerIdentifier { get; set; }

    /// <summary>Whether discovery publishes <c>mtls_endpoint_aliases</c> (the validator must then use them). Default true.</summary>
    public bool PublishMtlsAliases { get; set; } = true;

    /// <summary>When set, introspection callers must present this certificate, or get 401 <c>invalid_client</c>.</summary>
    public X509Certificate2? IntrospectionClientCertificate { get; set; }

    /// <summary>When set, introspection callers must send this <c>client_id</c>, or get 401 <c>invalid_client</c>.</summary>
    public string? IntrospectionClientId { get; set; }

    /// <summary>The scope of tokens from the token endpoint when the request names none.</summary>
    public string DefaultScope { get; set; } = "";

    /// <summary>The lifetime of tokens from the token endpoint. Default one hour.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Whether the token endpoint issues RFC 9068 JWT access tokens instead of opaque ones. Default false.</summary>
    public bool IssueJwtAccessTokens { get; set; }

    /// <summary>The algorithm of the token endpoint's JWTs: PS256 (default), ES256 or RS256.</summary>
    public string JwtSigningAlgorithm { get; set; } = "PS256";

    /// <summary>The <c>aud</c> of issued JWTs; <see cref="FakeAuthorizationServer.DefaultJwtAudience"/> by default.</summary>
    public string JwtAudience { get; set; } = FakeAuthorizationServer.DefaultJwtAudience;

    /// <summary>
    /// When set, tokens from the token endpoint are bound to this certificate instead of the caller's: a consumer
    /// that then presents its own gets 401 <c>invalid_token</c> from a provider (tests of a binding mismatch).
    /// </summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? BindIssuedTokensTo { get; set; }

    /// <summary>The clock for <c>iat</c> and <c>exp</c>; the system clock when <see langword="null"/>.</summary>
    public TimeProvider? TimeProvider { get; set; }

    /// <summary>Whether every introspection request is kept in <see cref="FakeAuthorizationServer.Introspections"/> (default true; turn off for floods).</summary>
    public bool RecordIntrospections { get; set; } = true;

    /// <summary>The loopback port; 0 (the default) picks a free one.</summary>
    public int Port { get; set; }
}
