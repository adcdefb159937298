using System.Text.Json.Nodes;
using OpenEnergy.Fapi.Testing;
using OpenEnergy.Fapi.Tests.Support;
using OpenEnergy.Fapi.Validation;
using static OpenEnergy.Fapi.Tests.Support.Certificates;

namespace OpenEnergy.Fapi.Tests.Validation;

/// <summary>Every request and token rule of the spec files, over real HTTPS against the fake authorization server.</summary>
internal sealed class FapiValidatorTests : AuthorizationServerFixture
{
    private ValidatorHarness _rs = null!;

    [SetUp]
    public void CreateValidator() => _rs = NewValidator();

    private string IssueA(string? scope = "s1 s2", Action<JsonObject>? customize = null)
        => Server.IssueToken(A, scope, clientId: "cA", customize: customize);

    private static void AssertRejected(FapiVerdict verdict, int status, string? error, FapiFailureReason reason)
    {
        Assert.That(verdict.Succeeded, Is.False, "the request was accepted");
        Assert.That(verdict.Failure!.StatusCode, Is.EqualTo(status));
        Assert.That(verdict.Failure.Error, Is.EqualTo(error));
        Assert.That(verdict.Failure.Reason, Is.EqualTo(reason));
        if (status != 503)
        {
            (string scheme, IReadOnlyDictionary<string, string> parameters) = ChallengeParser.Parse(verdict.Failure.WwwAuthenticate);
            Assert.That(scheme, Is.EqualTo("Bearer"));
            Assert.That(parameters["realm"], Is.EqualTo("open-energy"));
            Assert.That(parameters.GetValueOrDefault("error"), Is.EqualTo(error));
        }
    }

    [Test]
    public async Task ValidToken_BoundToThePresentedCertificate_IsAccepted()
    {
        string token = IssueA();

        FapiVerdict verdict = await _rs.ValidateAsync("Bearer " + token, A, "s1");

        Assert.That(verdict.Succeeded, Is.True);
        Assert.That(verdict.Consumer!.ClientId, Is.EqualTo("cA"));
        Assert.That(verdict.Consumer.OrganisationId, Is.EqualTo("org-cA"));
        Assert.That(verdict.Consumer.SoftwareRoles, Is.EqualTo(new[] { "EDSP_L1" }));
        Assert.That(verdict.Consumer.Scopes, Is.EqualTo(new[] { "s1", "s2" }));
        Assert.That(verdict.Consumer.SoftwareMetadata!.Value.GetProperty("metadata").GetProperty("something").GetString(), Is.EqualTo("something else"));
        Assert.That(verdict.StatusCode, Is.EqualTo(200));
    }

    [TestCase("bEARER")]
    [TestCase("BEARER")]
    [TestCase("bearer")]
    public async Task SchemeName_InAnyCase_IsAccepted(string scheme)
    {
        FapiVerdict verdict = await _rs.ValidateAsync(scheme + " " + IssueA(), A);

        Assert.That(verdict.Succeeded, Is.True);
    }

    [Test]
    public async Task NoAuthorizationHeader_IsNoCredentials_WithoutAnIntrospection()
    {
        FapiVerdict verdict = await _rs.ValidateAsync(null, A);

        AssertRejected(verdict, 401, null, FapiFailureReason.NoCredentials);
        Assert.That(verdict.Failure!.WwwAuthenticate, Is.EqualTo("Bearer realm=\"open-energy\""));
        Assert.That(verdict.Failure.JsonBody, Is.Null);
        Assert.That(Server.IntrospectionCount, Is.Zero);
    }

    [Test]
    public async Task TokenInQueryOnly_IsNoCredentials_WithoutAnIntrospection()
    {
        FapiRequest request = ValidatorHarness.Request(null, A) with { AccessTokenInQueryOrBody = true };

        FapiVerdict verdict = await _rs.Validator.ValidateAsync(request);

        AssertRejected(verdict, 401, null, FapiFailureReason.NoCredentials);
        Assert.That(Server.IntrospectionCount, Is.Zero);
    }

    [Test]
    public async Task TokenInHeaderAndQuery_IsInvalidRequest()
    {
        FapiRequest request = ValidatorHarness.Request("Bearer " + IssueA(), A) with { AccessTokenInQueryOrBody = true };

        FapiVerdict verdict = await _rs.Validator.ValidateAsync(request);

        AssertRejected(verdict, 400, "invalid_request", FapiFailureReason.TokenInMultiplePlaces);
        Assert.That(Server.IntrospectionCount, Is.Zero);
    }

    [Test]
    public async Task TwoAuthorizationHeaders_AreInvalidRequest()
    {
        string token = IssueA();
        FapiRequest request = ValidatorHarness.Request(null, A) with { Authorization = new(["Bearer " + token, "Bearer " + token]) };

        FapiVerdict verdict = await _rs.Validator.ValidateAsync(request);

        AssertRejected(verdict, 400, "invalid_request", FapiFailureReason.MultipleAuthorizationHeaders);
        Assert.That(Server.IntrospectionCount, Is.Zero);
    }

    [TestCase("Bearer")]
    [TestCase("Bearer ")]
    [TestCase("Bearer a b")]
    [TestCase("Bearer a,b")]
    [TestCase("Bearer ab=c")]
    [TestCase("Bearer =abc")]
    [TestCase("Bearer tok\u00e9n")]
    [TestCase("Bearer tok\u0000en")]
    public async Task MalformedBearerToken_IsInvalidRequest_WithoutAnIntrospection(string header)
    {
        FapiVerdict verdict = await _rs.ValidateAsync(header, A);

        AssertRejected(verdict, 400, "invalid_request", FapiFailureReason.MalformedToken);
        Assert.That(Server.IntrospectionCount, Is.Zero);
    }

    [Test]
    public async Task PaddedB64Token_IsIntrospected()
    {
        string token = FakeAuthorizationServer.NewToken() + "==";
        Server.SetResponse(token, FakeIntrospectionResponse.Active(Fapi.Certificates.CertificateThumbprint.FromCertificate(A)));

        FapiVerdict verdict = await _rs.ValidateAsync("Bearer " + token, A);

        Assert.That(verdict.Succeeded, Is.True);
    }

    [TestCase("Basic dXNlcjpwYXNz")]
    [TestCase("Negotiate abc")]
    [TestCase("DPoP abc")]
    [TestCase("Bearerabc")]
    public async Task OtherScheme_IsNoCredentials(string header)
    {
        FapiVerdict verdict = await _rs.ValidateAsync(header, A);

        AssertRejected(verdict, 401, null, FapiFailureReason.NoCredentials);
        Assert.That(Server.IntrospectionCount, Is.Zero);
    }

    [Test]
    public async Task OverlongToken_IsRefused_WithoutAnIntrospection()
    {
        FapiVerdict verdict = await _rs.ValidateAsync("Bearer " + new string('a', 64 * 1024), A);

        AssertRejected(verdict, 400, "invalid_request", FapiFailureReason.TokenTooLong);
        Assert.That(Server.IntrospectionCount, Is.Zero);
    }

    [Test]
    public async Task TokenAtTheLengthLimit_IsIntrospected()
    {
        FapiVerdict verdict = await _rs.ValidateAsync("Bearer " + new string('a', 4096), A);

        AssertRejected(verdict, 401, "invalid_token", FapiFailureReason.TokenInactive);
        Assert.That(Server.IntrospectionCount, Is.EqualTo(1));
    }

    [Test]
    public async Task TokenWithoutClientCertificate_IsInvalidToken_WithoutAnIntrospection()
    {
        FapiVerdict verdict = await _rs.ValidateAsync("Bearer " + IssueA(), null);

        AssertRejected(verdict, 401, "invalid_token", FapiFailureReason.MissingClientCertificate);
        Assert.That(Server.IntrospectionCount, Is.Zero);
    }

    [Test]
    public async Task InactiveToken_IsInvalidToken()
    {
        FapiVerdict verdict = await _rs.ValidateAsync("Bearer " + FakeAuthorizationServer.NewToken(), A);

        AssertRejected(verdict, 401, "invalid_token", FapiFailureReason.TokenInactive);
        Assert.That(verdict.Failure!.WwwAuthenticate, Is.EqualTo("Bearer realm=\"open-energy\", error=\"invalid_token\", error_description=\"the token is not active\""));
        Assert.That(verdict.Failure.JsonBody, Is.EqualTo("{\"error\":\"invalid_token\",\"error_description\":\"the token is not active\"}"));
    }

    [TestCase("\"true\"")]
    [TestCase("1")]
    [TestCase("null")]
    [TestCase("{}")]
    public async Task ActiveNotTheLiteralTrue_IsInvalidToken(string active)
    {
        string token = IssueA(customize: o => o["active"] = JsonNode.Parse(active));

        FapiVerdict verdict = await _rs.ValidateAsync("Bearer " + token, A);

        AssertRejected(verdict, 401, "invalid_token", FapiFailureReason.TokenInactive);
    }

    [Test]
    public async Task ResponseWithoutActive_IsInvalidRequest()
    {
        string token = FakeAuthorizationServer.NewToken();
        Server.SetResponse(token, FakeIntrospectionResponse.Json("{\"foo\":1}"));

        FapiVerdict verdict = await _rs.ValidateAsync("Bearer " + token, A);

        AssertRejected(verdict, 400, "invalid_request", FapiFailureReason.IntrospectionMissingActive);
    }

    [Test]
    public async Task Expired_IsInvalidToken()
    {
        string token = IssueA(customize: o => o["exp"] = Time.GetUtcNow().ToUnixTimeSeconds() - 1);

        AssertRejected(await _rs.ValidateAsync("Bearer " + token, A), 401, "invalid_token", FapiFailureReason.TokenExpired);
    }

    [Test]
    public async Task ExpiringThisSecond_IsExpired()
    {
        Time.SetUtcNow(DateTimeOffset.FromUnixTimeSeconds(Time.GetUtcNow().ToUnixTimeSeconds() + 1));
        string token = IssueA(customize: o => o["exp"] = Time.GetUtcNow().ToUnixTimeSeconds());

        AssertRejected(await _rs.ValidateAsync("Bearer " + token, A), 401, "invalid_token", FapiFailureReason.TokenExpired);
    }

    [Test]
    public async Task IssuedFiveSecondsAhead_IsWithinTheSkew()
    {
        string token = IssueA(customize: o => o["iat"] = Time.GetUtcNow().ToUnixTimeSeconds() + 5);

        Assert.That((await _rs.ValidateAsync("Bearer " + token, A)).Succeeded, Is.True);
    }

    [Test]
    public async Task IssuedThirtySecondsAhead_IsInvalidToken()
    {
        string token = IssueA(customize: o => o["iat"] = Time.GetUtcNow().ToUnixTimeSeconds() + 30);

        AssertRejected(await _rs.ValidateAsync("Bearer " + token, A), 401, "invalid_token", FapiFailureReason.TokenIssuedInFuture);
    }

    [Test]
    public async Task NotBeforeTwoMinutesAhead_IsInvalidToken()
    {
        string token = IssueA(customize: o => o["nbf"] = Time.GetUtcNow().ToUnixTimeSeconds() + 120);

        AssertRejected(await _rs.ValidateAsync("Bearer " + token, A), 401, "invalid_token", FapiFailureReason.TokenNotYetValid);
    }

    [Test]
    public async Task OtherIssuer_IsInvalidToken()
    {
        string token = IssueA(customize: o => o["iss"] = "https://evil.example");

        AssertRejected(await _rs.ValidateAsync("Bearer " + token, A), 401, "invalid_token", FapiFailureReason.IssuerMismatch);
    }

    [Test]
    public async Task NoIssuerMember_IsAccepted()
    {
        string token = IssueA(customize: o => o.Remove("iss"));

        Assert.That((await _rs.ValidateAsync("Bearer " + token, A)).Succeeded, Is.True);
    }

    [Test]
    public async Task RefreshTokenType_IsInvalidToken()
    {
        string token = IssueA(customize: o => o["token_type"] = "refresh_token");

        AssertRejected(await _rs.ValidateAsync("Bearer " + token, A), 401, "invalid_token", FapiFailureReason.WrongTokenType);
    }

    [Test]
    public async Task LowerCaseBearerTokenType_IsAccepted()
    {
        string token = IssueA(customize: o => o["token_type"] = "bearer");

        Assert.That((await _rs.ValidateAsync("Bearer " + token, A)).Succeeded, Is.True);
    }

    [Test]
    public async Task OtherCertificate_IsInvalidToken()
    {
        AssertRejected(await _rs.ValidateAsync("Bearer " + IssueA(), B), 401, "invalid_token", FapiFailureReason.CertificateMismatch);
    }

    [Test]
    public async Task RenewedCertificate_IsInvalidToken()
    {
        AssertRejected(await _rs.ValidateAsync("Bearer " + IssueA(), A2), 401, "invalid_token", FapiFailureReason.CertificateMismatch);
    }

    [Test]
    public async Task NoCnf_IsInvalidToken()
    {
        string token = IssueA(customize: o => o.Remove("cnf"));

        AssertRejected(await _rs.ValidateAsync("Bearer " + token, A), 401, "invalid_token", FapiFailureReason.TokenNotCertificateBound);
    }

    [Test]
    public async Task DpopBoundTokenOnBearerRequest_IsInvalidToken()
    {
        string token = IssueA(customize: o => o["cnf"] = new JsonObject { ["jkt"] = "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I" });

        AssertRejected(await _rs.ValidateAsync("Bearer " + token, A), 401, "invalid_token", FapiFailureReason.DpopBoundToken);
    }

    [Test]
    public async Task TokenBoundToTheCertificateAndADpopKey_OnABearerRequest_IsInvalidToken()
    {
        // cnf names the presented certificate, but also a DPoP key: under Bearer it is never accepted (D-10).
        string token = IssueA(customize: o => ((JsonObject)o["cnf"]!)["jkt"] = "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I");

        AssertRejected(await _rs.ValidateAsync("Bearer " + token, A), 401, "invalid_token", FapiFailureReason.DpopBoundToken);
    }

    [Test]
    public async Task ThumbprintWithOneLetterCaseFlipped_IsInvalidToken()
    {
        string bound = Fapi.Certificates.CertificateThumbprint.FromCertificate(A).ToString();
        int letter = bound.AsSpan().IndexOfAnyInRange('A', 'Z') is >= 0 and var upper ? upper : bound.AsSpan().IndexOfAnyInRange('a', 'z');
        char c = bound[letter];
        string flipped = bound[..letter] + (char.IsUpper(c) ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c)) + bound[(letter + 1)..];
        Assert.That(flipped, Is.Not.EqualTo(bound));
        string token = IssueA(customize: o => o["cnf"] = new JsonObject { ["x5t#S256"] = flipped });

        AssertRejected(await _rs.ValidateAsync("Bearer " + token, A), 401, "invalid_token", FapiFailureReason.CertificateMismatch);
    }

    [Test]
    public async Task PaddedThumbprint_IsNotRepaired()
    {
        string bound = Fapi.Certificates.CertificateThumbprint.FromCertificate(A).ToString();
        string token = IssueA(customize: o => o["cnf"] = new JsonObject { ["x5t#S256"] = bound + "=" });

        AssertRejected(await _rs.ValidateAsync("Bearer " + token, A), 401, "invalid_token", FapiFailureReason.CertificateMismatch);
        Assert.That(_rs.Logs.GetSnapshot().Any(r => r.Message.Contains("non-canonical", StringComparison.Ordinal)), Is.True);
    }

    [TestCase("cnf", "\"x\"")]
    [TestCase("cnf", "[]")]
    [TestCase("cnf", "{\"x5t#S256\":42}")]
    [TestCase("exp", "\"soon\"")]
    [TestCase("iat", "true")]
    [TestCase("nbf", "{}")]
    [TestCase("scope", "[\"s1\"]")]
    [TestCase("client_id", "7")]
    [TestCase("iss", "[]")]
    [TestCase("token_type", "1")]
    [TestCase("software_roles", "[1]")]
    [TestCase("aud", "{}")]
    [TestCase("exp", "1e300")]
    [TestCase("exp", "-5")]
    public async Task WronglyTypedMember_IsInvalidToken(string member, string json)
    {
        string token = IssueA(customize: o => o[member] = JsonNode.Parse(json));

        AssertRejected(await _rs.ValidateAsync("Bearer " + token, A), 401, "invalid_token", FapiFailureReason.MalformedTokenMetadata);
    }

    [Test]
    public async Task MissingScope_IsInsufficientScope_NamingTheScope()
    {
        FapiVerdict verdict = await _rs.ValidateAsync("Bearer " + IssueA("s1 s2"), A, "s3");

        AssertRejected(verdict, 403, "insufficient_scope", FapiFailureReason.InsufficientScope);
        Assert.That(verdict.Failure!.Scope, Is.EqualTo("s3"));
        Assert.That(ChallengeParser.Parse(verdict.Failure.WwwAuthenticate).Parameters["scope"], Is.EqualTo("s3"));
    }

    [Test]
    public async Task AllRequiredScopes_MustBePresent()
    {
        FapiVerdict verdict = await _rs.ValidateAsync("Bearer " + IssueA("s1 s2"), A, "s1", "s3");

        AssertRejected(verdict, 403, "insufficient_scope", FapiFailureReason.InsufficientScope);
        Assert.That(verdict.Failure!.Scope, Is.EqualTo("s1 s3"));
    }

    [TestCase("data:read", "Data:Read")]
    [TestCase("readwrite", "read")]
    [TestCase("s1 s2", "s")]
    public async Task ScopesCompareExactlyAndWhole(string granted, string needed)
    {
        AssertRejected(await _rs.ValidateAsync("Bearer " + IssueA(granted), A, needed), 403, "insufficient_scope", FapiFailureReason.InsufficientScope);
    }

    [Test]
    public async Task ScopesSplitOnRunsOfSpaces()
    {
        Assert.That((await _rs.ValidateAsync("Bearer " + IssueA("s1  s3"), A, "s3")).Succeeded, Is.True);
    }

    [Test]
    public async Task TokenWithoutScope_FailsWhereAScopeIsNeeded_AndPassesWhereNone()
    {
        string token = IssueA(scope: null);

        AssertRejected(await _rs.ValidateAsync("Bearer " + token, A, "s1"), 403, "insufficient_scope", FapiFailureReason.InsufficientScope);
        Assert.That((await _rs.ValidateAsync("Bearer " + token, A)).Succeeded, Is.True);
    }

    [Test]
    public async Task CaseInsensitiveScopes_CompatibilitySwitch_MatchesLikeThePythonReference()
    {
        ValidatorHarness compatible = NewValidator(o => o.CaseInsensitiveScopes = true);

        Assert.That((await compatible.ValidateAsync("Bearer " + IssueA("data:read"), A, "Data:Read")).Succeeded, Is.True);
    }

    [Test]
    public async Task BindingFailure_ComesBeforeScope()
    {
        AssertRejected(await _rs.ValidateAsync("Bearer " + IssueA("s1"), B, "s3"), 401, "invalid_token", FapiFailureReason.CertificateMismatch);
    }

    [Test]
    public async Task Realm_IsConfigurable()
    {
        ValidatorHarness oe = NewValidator(o => o.Realm = "oe");

        FapiVerdict verdict = await oe.ValidateAsync("Bearer " + FakeAuthorizationServer.NewToken(), A);

        Assert.That(verdict.Failure!.WwwAuthenticate, Is.EqualTo("Bearer realm=\"oe\", error=\"invalid_token\", error_description=\"the token is not active\""));
    }

    [Test]
    public async Task InactiveAnswer_ExposesAndLogsNothingElse()
    {
        string token = FakeAuthorizationServer.NewToken();
        Server.SetResponse(token, FakeIntrospectionResponse.Json("{\"active\":false,\"sub\":\"secret-subject\",\"client_id\":\"hidden-client\"}"));

        FapiVerdict verdict = await _rs.ValidateAsync("Bearer " + token, A);

        AssertRejected(verdict, 401, "invalid_token", FapiFailureReason.TokenInactive);
        Assert.That(_rs.Logs.GetSnapshot().Any(r => r.Message.Contains("hidden-client", StringComparison.Ordinal) || r.Message.Contains("secret-subject", StringComparison.Ordinal)), Is.False);
    }

    [Test]
    public async Task ErrorTexts_CarryNoTokenAndNoIntrospectionData()
    {
        string token = IssueA();

        FapiVerdict verdict = await _rs.ValidateAsync("Bearer " + token, B);

        Assert.That(verdict.Failure!.JsonBody, Does.Not.Contain(token).And.Not.Contain("cA"));
        Assert.That(verdict.Failure.WwwAuthenticate, Does.Not.Contain(token).And.Not.Contain("cA"));
    }

    [Test]
    public async Task Rejection_IsLoggedWithBothThumbprintsAndTheInteractionId()
    {
        string token = IssueA();
        FapiRequest request = ValidatorHarness.Request("Bearer " + token, B) with { InteractionId = "c770AEf3-6784-41F7-8e0E-ff5f97bddb3a" };

        await _rs.Validator.ValidateAsync(request);

        string line = _rs.Logs.GetSnapshot().Single(r => r.Id.Id == 2).Message;
        Assert.That(line, Does.Contain("c770AEf3-6784-41F7-8e0E-ff5f97bddb3a"));
        Assert.That(line, Does.Contain(Fapi.Certificates.CertificateThumbprint.FromCertificate(A).ToString()));
        Assert.That(line, Does.Contain(Fapi.Certificates.CertificateThumbprint.FromCertificate(B).ToString()));
        Assert.That(line, Does.Not.Contain(token));
    }
}
