using System.Diagnostics.Metrics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using OpenEnergy.Fapi.Configuration;
using OpenEnergy.Fapi.Testing;
using OpenEnergy.Fapi.Tests.Support;
using OpenEnergy.Fapi.Validation;
using static OpenEnergy.Fapi.Tests.Support.Certificates;

namespace OpenEnergy.Fapi.Tests.Jwt;

/// <summary>JWT access tokens (RFC 9068) validated locally with <c>AccessTokenFormat = Jwt</c>, over real HTTPS to the fake server's key set.</summary>
internal sealed class JwtAccessTokenTests : JwtFixture
{
    private ValidatorHarness _rs = null!;

    [SetUp]
    public void CreateValidator() => _rs = NewJwtValidator();

    private string Jwt(string algorithm = "PS256", Action<JsonObject>? claims = null, Action<JsonObject>? header = null, FakeJwtDefect defect = FakeJwtDefect.None, string? scope = "s1 s2")
        => Server.IssueJwt(A, scope, clientId: "cA", algorithm: algorithm, customizeClaims: claims, customizeHeader: header, defect: defect);

    [TestCase("PS256")]
    [TestCase("ES256")]
    public async Task GoodToken_IsAccepted_WithoutAnIntrospection(string algorithm)
    {
        FapiVerdict verdict = await _rs.ValidateAsync("Bearer " + Jwt(algorithm), A, "s1");

        Assert.That(verdict.Succeeded, Is.True, () => verdict.Failure?.ErrorDescription ?? "");
        Assert.That(verdict.Consumer!.ClientId, Is.EqualTo("cA"));
        Assert.That(verdict.Consumer.Scopes, Is.EqualTo(new[] { "s1", "s2" }));
        Assert.That(verdict.Consumer.Introspection.Issuer, Is.EqualTo(Server.IssuerIdentifier));
        Assert.That(Server.IntrospectionCount, Is.Zero);
        Assert.That(Server.JwksCount, Is.EqualTo(1));
    }

    [TestCase(FakeJwtDefect.UnpublishedKey, FapiFailureReason.InvalidSignature)]
    [TestCase(FakeJwtDefect.TamperedPayload, FapiFailureReason.InvalidSignature)]
    [TestCase(FakeJwtDefect.AlgorithmNone, FapiFailureReason.SigningAlgorithmNotAllowed)]
    [TestCase(FakeJwtDefect.HmacWithPublicKey, FapiFailureReason.SigningAlgorithmNotAllowed)]
    [TestCase(FakeJwtDefect.Es256HeaderOnRsaKey, FapiFailureReason.SigningAlgorithmNotAllowed)]
    [TestCase(FakeJwtDefect.Rs256, FapiFailureReason.SigningAlgorithmNotAllowed)]
    public async Task FaultyToken_IsInvalidToken_AndNeverIntrospected(FakeJwtDefect defect, FapiFailureReason reason)
    {
        FapiVerdict verdict = await _rs.ValidateAsync("Bearer " + Jwt(defect: defect), A, "s1");

        VerdictAssert.InvalidToken(verdict, reason);
        Assert.That(Server.IntrospectionCount, Is.Zero);
    }

    [Test]
    public async Task HmacToken_IsRefused_EvenWhenEveryAlgorithmThePlatformHasIsListed()
    {
        ValidatorHarness rs = NewJwtValidator(configure: o =>
        {
            foreach (string alg in new[] { "PS256", "PS384", "PS512", "RS256", "RS384", "RS512", "ES256", "ES384", "ES512" })
            {
                o.AllowedSigningAlgorithms.Add(alg);
            }
        });

        VerdictAssert.InvalidToken(await rs.ValidateAsync("Bearer " + Jwt(defect: FakeJwtDefect.HmacWithPublicKey), A), FapiFailureReason.SigningAlgorithmNotAllowed);
        VerdictAssert.InvalidToken(await rs.ValidateAsync("Bearer " + Jwt(defect: FakeJwtDefect.Es256HeaderOnRsaKey), A), FapiFailureReason.SigningAlgorithmNotAllowed);
        Assert.That((await rs.ValidateAsync("Bearer " + Jwt(defect: FakeJwtDefect.Rs256), A)).Succeeded, Is.True, "RS256 is listed");
    }

    [Test]
    public async Task Rs256_IsAccepted_OnlyWhenListed()
    {
        ValidatorHarness rs = NewJwtValidator(configure: o =>
        {
            o.AllowedSigningAlgorithms.Add("PS256");
            o.AllowedSigningAlgorithms.Add("RS256");
        });

        Assert.That((await rs.ValidateAsync("Bearer " + Jwt("RS256"), A)).Succeeded, Is.True);
        VerdictAssert.InvalidToken(await rs.ValidateAsync("Bearer " + Jwt("ES256"), A), FapiFailureReason.SigningAlgorithmNotAllowed);
    }

    [TestCase("JWT")]
    [TestCase("jwt")]
    [TestCase("at+jwt2")]
    [TestCase("")]
    [TestCase(null)]
    public async Task HeaderTypeOtherThanAtJwt_IsInvalidToken(string? typ)
    {
        string token = Jwt(header: h => h["typ"] = typ);

        VerdictAssert.InvalidToken(await _rs.ValidateAsync("Bearer " + token, A), FapiFailureReason.WrongAccessTokenType);
    }

    [TestCase("at+jwt")]
    [TestCase("AT+JWT")]
    [TestCase("application/at+jwt")]
    [TestCase("Application/At+Jwt")]
    public async Task HeaderTypeAtJwt_InAnyCaseWithOrWithoutPrefix_IsAccepted(string typ)
    {
        Assert.That((await _rs.ValidateAsync("Bearer " + Jwt(header: h => h["typ"] = typ), A)).Succeeded, Is.True);
    }

    [Test]
    public async Task HeaderTypeJwt_IsAccepted_WhenTheTypeIsNotRequired()
    {
        ValidatorHarness rs = NewJwtValidator(configure: o => o.RequireAccessTokenType = false);

        Assert.That((await rs.ValidateAsync("Bearer " + Jwt(header: h => h["typ"] = "JWT"), A)).Succeeded, Is.True);
    }

    [Test]
    public async Task AnotherIssuer_IsInvalidToken()
    {
        string token = Jwt(claims: c => c["iss"] = Server.IssuerIdentifier + "/other");

        VerdictAssert.InvalidToken(await _rs.ValidateAsync("Bearer " + token, A), FapiFailureReason.IssuerMismatch);
    }

    [Test]
    public async Task AnotherAudience_IsInvalidToken()
    {
        string token = Jwt(claims: c => c["aud"] = "https://another-provider.example");

        FapiVerdict verdict = await _rs.ValidateAsync("Bearer " + token, A);

        VerdictAssert.InvalidToken(verdict, FapiFailureReason.AudienceMismatch);
        Assert.That(verdict.Failure!.ErrorDescription, Does.Contain("audience"));
    }

    [Test]
    public async Task AudienceArray_ContainingOurs_IsAccepted()
    {
        string token = Jwt(claims: c => c["aud"] = new JsonArray("https://another-provider.example", FakeAuthorizationServer.DefaultJwtAudience));

        Assert.That((await _rs.ValidateAsync("Bearer " + token, A)).Succeeded, Is.True);
    }

    [Test]
    public async Task AnotherAudience_IsAccepted_WhenAudienceValidationIsOff()
    {
        ValidatorHarness rs = NewValidator(o =>
        {
            o.AccessTokenFormat = AccessTokenFormat.Jwt;
            o.ValidateAudience = false;
        });
        string token = Jwt(claims: c => c.Remove("aud"));

        Assert.That((await rs.ValidateAsync("Bearer " + token, A)).Succeeded, Is.True);
    }

    [TestCase("iss")]
    [TestCase("exp")]
    [TestCase("aud")]
    [TestCase("sub")]
    [TestCase("client_id")]
    [TestCase("iat")]
    [TestCase("jti")]
    public async Task MissingRequiredClaim_IsInvalidToken_NamingTheClaim(string claim)
    {
        FapiVerdict verdict = await _rs.ValidateAsync("Bearer " + Jwt(claims: c => c.Remove(claim)), A);

        VerdictAssert.InvalidToken(verdict, FapiFailureReason.MissingTokenClaim);
        Assert.That(verdict.Failure!.ErrorDescription, Is.EqualTo($"the access token lacks the required '{claim}' claim"));
    }

    [Test]
    public async Task ClaimOfTheWrongType_IsInvalidToken()
    {
        VerdictAssert.InvalidToken(await _rs.ValidateAsync("Bearer " + Jwt(claims: c => c["scope"] = 12), A), FapiFailureReason.MalformedTokenMetadata);
    }

    [Test]
    public async Task ExpiredToken_IsInvalidToken_AtTheSecondOfExp()
    {
        string token = Server.IssueJwt(A, "s1", lifetime: TimeSpan.FromSeconds(30));
        Assert.That((await _rs.ValidateAsync("Bearer " + token, A)).Succeeded, Is.True);

        Time.Advance(TimeSpan.FromSeconds(30));

        VerdictAssert.InvalidToken(await _rs.ValidateAsync("Bearer " + token, A), FapiFailureReason.TokenExpired);
    }

    [Test]
    public async Task ExpiredBeforeFirstUse_IsInvalidToken()
    {
        string token = Jwt(claims: c => c["exp"] = Time.GetUtcNow().AddSeconds(-1).ToUnixTimeSeconds());

        VerdictAssert.InvalidToken(await _rs.ValidateAsync("Bearer " + token, A), FapiFailureReason.TokenExpired);
    }

    [Test]
    public async Task NotBefore_AheadBeyondTheSkew_IsInvalidToken_AndWithinIt_IsAccepted()
    {
        long now = Time.GetUtcNow().ToUnixTimeSeconds();

        VerdictAssert.InvalidToken(await _rs.ValidateAsync("Bearer " + Jwt(claims: c => c["nbf"] = now + 11), A), FapiFailureReason.TokenNotYetValid);
        Assert.That((await _rs.ValidateAsync("Bearer " + Jwt(claims: c => c["nbf"] = now + 10), A)).Succeeded, Is.True);
    }

    [Test]
    public async Task IssuedAt_AheadBeyondTheSkew_IsInvalidToken()
    {
        long now = Time.GetUtcNow().ToUnixTimeSeconds();

        VerdictAssert.InvalidToken(await _rs.ValidateAsync("Bearer " + Jwt(claims: c => c["iat"] = now + 60), A), FapiFailureReason.TokenIssuedInFuture);
    }

    [Test]
    public async Task BoundToCertificateA_PresentedWithB_IsInvalidToken()
    {
        VerdictAssert.InvalidToken(await _rs.ValidateAsync("Bearer " + Jwt(), B), FapiFailureReason.CertificateMismatch);
    }

    [Test]
    public async Task WithoutCnf_IsInvalidToken()
    {
        VerdictAssert.InvalidToken(await _rs.ValidateAsync("Bearer " + Jwt(claims: c => c.Remove("cnf")), A), FapiFailureReason.TokenNotCertificateBound);
    }

    [Test]
    public async Task DpopBound_IsInvalidToken()
    {
        string token = Jwt(claims: c => c["cnf"] = new JsonObject { ["jkt"] = "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I" });

        VerdictAssert.InvalidToken(await _rs.ValidateAsync("Bearer " + token, A), FapiFailureReason.DpopBoundToken);
    }

    [Test]
    public async Task MissingScope_IsInsufficientScope()
    {
        VerdictAssert.Rejected(await _rs.ValidateAsync("Bearer " + Jwt(scope: "s1"), A, "s3"), 403, "insufficient_scope", FapiFailureReason.InsufficientScope);
    }

    [Test]
    public async Task OpaqueToken_IsInvalidToken_AndNeverIntrospected()
    {
        string opaque = Server.IssueToken(A, "s1");

        VerdictAssert.InvalidToken(await _rs.ValidateAsync("Bearer " + opaque, A), FapiFailureReason.NotSignedJwt);
        Assert.That(Server.IntrospectionCount, Is.Zero);
    }

    [Test]
    public async Task EncryptedToken_IsNotASignedJwt()
    {
        // Five segments: a JWE. Its content cannot be read without a decryption key, which a provider never holds.
        VerdictAssert.InvalidToken(await _rs.ValidateAsync("Bearer eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.a.b.c.d", A), FapiFailureReason.NotSignedJwt);
    }

    [Test]
    public async Task TokenWithoutKeyId_IsInvalidToken()
    {
        VerdictAssert.InvalidToken(await _rs.ValidateAsync("Bearer " + Jwt(header: h => h.Remove("kid")), A), FapiFailureReason.JwtWithoutKeyId);
        Assert.That(Server.IntrospectionCount, Is.Zero);
    }

    [Test]
    public async Task UnknownKeyId_IsInvalidToken_AfterOneKeySetFetch()
    {
        FapiVerdict verdict = await _rs.ValidateAsync("Bearer " + Jwt(header: h => h["kid"] = "invented"), A);

        VerdictAssert.InvalidToken(verdict, FapiFailureReason.UnknownSigningKey);
        Assert.That(Server.JwksCount, Is.EqualTo(1));
        Assert.That(Server.IntrospectionCount, Is.Zero);
    }

    [Test]
    public async Task ValidatedToken_IsCached_ButBindingAndTimeAreCheckedOnEveryRequest()
    {
        string token = Server.IssueJwt(A, "s1", lifetime: TimeSpan.FromMinutes(10));
        Assert.That((await _rs.ValidateAsync("Bearer " + token, A)).Succeeded, Is.True);
        Assert.That(_rs.Cache.Count, Is.EqualTo(1));

        VerdictAssert.InvalidToken(await _rs.ValidateAsync("Bearer " + token, B), FapiFailureReason.CertificateMismatch);
        VerdictAssert.Rejected(await _rs.ValidateAsync("Bearer " + token, A, "s2"), 403, "insufficient_scope", FapiFailureReason.InsufficientScope);
        Assert.That((await _rs.ValidateAsync("Bearer " + token, A, "s1")).Succeeded, Is.True);
        Assert.That(Server.JwksCount, Is.EqualTo(1));
    }

    [Test]
    public async Task ValidatedToken_IsValidatedAgain_AfterTheCacheDuration()
    {
        using var checks = new MetricCollector<long>(_rs.Services.GetRequiredService<IMeterFactory>(), FapiDefaults.MeterName, "openenergy.fapi.jwt.validations");
        string token = Server.IssueJwt(A, "s1", lifetime: TimeSpan.FromHours(1));

        Assert.That((await _rs.ValidateAsync("Bearer " + token, A)).Succeeded, Is.True);
        Time.Advance(TimeSpan.FromSeconds(59));
        Assert.That((await _rs.ValidateAsync("Bearer " + token, A)).Succeeded, Is.True);
        Assert.That(checks.GetMeasurementSnapshot().EvaluateAsCounter(), Is.EqualTo(1), "a repeat within CacheDuration is a cache hit");
        Time.Advance(TimeSpan.FromSeconds(2));
        Assert.That((await _rs.ValidateAsync("Bearer " + token, A)).Succeeded, Is.True);

        Assert.That(checks.GetMeasurementSnapshot().EvaluateAsCounter(), Is.EqualTo(2));
    }

    [Test]
    public async Task CriticalHeaderExtension_IsRefused()
    {
        VerdictAssert.InvalidToken(await _rs.ValidateAsync("Bearer " + Jwt(header: h => h["crit"] = new JsonArray("exp")), A), FapiFailureReason.InvalidSignature);
    }

    [TestCase("token-introspection+jwt")]
    [TestCase("application/logout+jwt")]
    [TestCase("dpop+jwt")]
    public async Task AnotherKindOfJwt_IsRefused_EvenWhenTheTypeIsNotRequired(string typ)
    {
        ValidatorHarness rs = NewJwtValidator(configure: o => o.RequireAccessTokenType = false);

        VerdictAssert.InvalidToken(await rs.ValidateAsync("Bearer " + Jwt(header: h => h["typ"] = typ), A), FapiFailureReason.WrongAccessTokenType);
    }

    [Test]
    public async Task AudienceString_WithASpace_IsOneAudience_NotTwo()
    {
        string token = Jwt(claims: c => c["aud"] = "https://another-provider.example " + FakeAuthorizationServer.DefaultJwtAudience);

        VerdictAssert.InvalidToken(await _rs.ValidateAsync("Bearer " + token, A), FapiFailureReason.AudienceMismatch);
    }

    private static string B64(string json) => System.Buffers.Text.Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes(json));

    private static IEnumerable<string> HostileTokens()
    {
        yield return "a.b.c";
        yield return "..";
        yield return "eyJ.eyJ.";
        yield return B64("[]") + "." + B64("{}") + ".c2ln";
        yield return B64("null") + "." + B64("{}") + ".c2ln";
        yield return B64("""{"alg":"PS256","kid":5}""") + "." + B64("{}") + ".c2ln";
        yield return B64("""{"alg":"PS256","kid":["a"]}""") + "." + B64("{}") + ".c2ln";
        yield return B64("""{"alg":5,"kid":"k"}""") + "." + B64("{}") + ".c2ln";
        yield return B64("""{"alg":"PS256","kid":"k"}""") + "." + B64("not json") + ".c2ln";
        yield return B64("""{"alg":"PS256","kid":"k","kid":"j"}""") + "." + B64("{}") + ".c2ln";
        yield return B64("""{"alg":"PS256","kid":"k"}""") + "." + B64(new string('[', 2000)) + ".c2ln";
        yield return B64("""{"alg":"PS256","kid":"k","crit":["exp"]}""") + "." + B64("{}") + ".c2ln";
        yield return B64("""{"alg":"PS256","kid":"k","b64":false}""") + "." + B64("{}") + ".c2ln";
        yield return B64("""{"alg":"PS256","jku":"https://attacker.example/jwks","kid":"k"}""") + "." + B64("{}") + ".c2ln";
        yield return B64("""{"alg":"PS256","jwk":{"kty":"RSA","n":"AQAB","e":"AQAB"}}""") + "." + B64("{}") + ".c2ln";
    }

    [TestCaseSource(nameof(HostileTokens))]
    public async Task HostileToken_IsInvalidToken_NeverAFault(string token)
    {
        FapiVerdict verdict = await _rs.ValidateAsync("Bearer " + token, A);

        Assert.That(verdict.Succeeded, Is.False);
        Assert.That(verdict.Failure!.StatusCode, Is.EqualTo(401), verdict.Failure.Reason.ToString());
        Assert.That(Server.IntrospectionCount, Is.Zero);
    }

    [Test]
    public async Task HostileTokens_WithAPublishedKeyId_AreInvalidToken()
    {
        foreach (string claims in new[] { "not json", "[]", "null", """{"iss":1}""", """{"exp":"tomorrow"}""" })
        {
            string token = B64($$"""{"alg":"PS256","typ":"at+jwt","kid":"{{Server.RsaKeyId}}"}""") + "." + B64(claims) + ".c2ln";

            FapiVerdict verdict = await _rs.ValidateAsync("Bearer " + token, A);

            Assert.That(verdict.Failure?.StatusCode, Is.EqualTo(401), claims);
        }
    }

    [Test]
    public async Task NoTokenIsEverLogged()
    {
        string token = Jwt();
        await _rs.ValidateAsync("Bearer " + token, A);
        await _rs.ValidateAsync("Bearer " + Jwt(defect: FakeJwtDefect.TamperedPayload), A);

        string logs = string.Join('\n', _rs.Logs.GetSnapshot().Select(r => r.Message));
        Assert.That(logs, Does.Not.Contain(token.Split('.')[1]));
        Assert.That(logs, Does.Not.Contain(token.Split('.')[2]));
    }
}
