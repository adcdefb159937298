using System.Text.Json.Nodes;
using OpenEnergy.Fapi.Certificates;
using OpenEnergy.Fapi.Configuration;
using OpenEnergy.Fapi.Testing;
using OpenEnergy.Fapi.Tests.Support;
using OpenEnergy.Fapi.Validation;
using static OpenEnergy.Fapi.Tests.Support.Certificates;

namespace OpenEnergy.Fapi.Tests.Jwt;

/// <summary>
/// Signed introspection responses (RFC 9701, spec I-07): every envelope fault is an authorization-server fault
/// (503, never cached); the <c>token_introspection</c> object is judged like a JSON answer.
/// </summary>
internal sealed class SignedIntrospectionTests : JwtFixture
{
    private ValidatorHarness _rs = null!;

    [SetUp]
    public void CreateValidator() => _rs = NewValidator(o => o.IntrospectionResponseFormat = IntrospectionResponseFormat.Jwt);

    private static FakeIntrospectionResponse ActiveForA => FakeIntrospectionResponse.Active(CertificateThumbprint.FromCertificate(A), "s1");

    private string Scripted(FakeIntrospectionResponse response)
    {
        string token = FakeAuthorizationServer.NewToken();
        Server.SetResponse(token, response);
        return token;
    }

    [Test]
    public async Task SignedAnswer_IsAccepted_AndWasAskedFor()
    {
        FapiVerdict verdict = await _rs.ValidateAsync("Bearer " + Server.IssueToken(A, "s1"), A, "s1");

        Assert.That(verdict.Succeeded, Is.True);
        Assert.That(Server.Introspections.Single().Accept, Is.EqualTo("application/token-introspection+jwt"));
        Assert.That(Server.JwksCount, Is.EqualTo(1));
    }

    [Test]
    public async Task SignedAnswer_WithEs256_IsAccepted()
    {
        Assert.That((await _rs.ValidateAsync("Bearer " + Scripted(FakeIntrospectionResponse.SignedEnvelope(ActiveForA, algorithm: "ES256")), A)).Succeeded, Is.True);
    }

    [Test]
    public async Task PlainJsonAnswer_Is503()
    {
        // An answer whose content type is not application/json is sent as it is, never signed.
        string token = Scripted(FakeIntrospectionResponse.Json("""{"active":true}""", "application/json; charset=utf-8"));

        VerdictAssert.Rejected(await _rs.ValidateAsync("Bearer " + token, A), 503, "temporarily_unavailable", FapiFailureReason.AuthorizationServerUnavailable);
    }

    private static IEnumerable<TestCaseData> EnvelopeFaults()
    {
        yield return new TestCaseData((Func<FakeIntrospectionResponse, FakeIntrospectionResponse>)(a => FakeIntrospectionResponse.SignedEnvelope(a, customizeClaims: c => c["aud"] = "another-provider"))).SetName("WrongAudience");
        yield return new TestCaseData((Func<FakeIntrospectionResponse, FakeIntrospectionResponse>)(a => FakeIntrospectionResponse.SignedEnvelope(a, customizeClaims: c => c.Remove("aud")))).SetName("NoAudience");
        yield return new TestCaseData((Func<FakeIntrospectionResponse, FakeIntrospectionResponse>)(a => FakeIntrospectionResponse.SignedEnvelope(a, customizeHeader: h => h["typ"] = "JWT"))).SetName("TypJwt");
        yield return new TestCaseData((Func<FakeIntrospectionResponse, FakeIntrospectionResponse>)(a => FakeIntrospectionResponse.SignedEnvelope(a, customizeHeader: h => h.Remove("typ")))).SetName("NoTyp");
        yield return new TestCaseData((Func<FakeIntrospectionResponse, FakeIntrospectionResponse>)(a => FakeIntrospectionResponse.SignedEnvelope(a, customizeHeader: h => h["alg"] = "none", defect: FakeJwtDefect.AlgorithmNone))).SetName("AlgNone");
        yield return new TestCaseData((Func<FakeIntrospectionResponse, FakeIntrospectionResponse>)(a => FakeIntrospectionResponse.SignedEnvelope(a, customizeHeader: h => h["alg"] = "HS256", defect: FakeJwtDefect.HmacWithPublicKey))).SetName("Hs256WithThePublicKey");
        yield return new TestCaseData((Func<FakeIntrospectionResponse, FakeIntrospectionResponse>)(a => FakeIntrospectionResponse.SignedEnvelope(a, defect: FakeJwtDefect.UnpublishedKey))).SetName("SignedByAnUnpublishedKey");
        yield return new TestCaseData((Func<FakeIntrospectionResponse, FakeIntrospectionResponse>)(a => FakeIntrospectionResponse.SignedEnvelope(a, customizeHeader: h => h["kid"] = "unknown"))).SetName("UnknownKid");
        yield return new TestCaseData((Func<FakeIntrospectionResponse, FakeIntrospectionResponse>)(a => FakeIntrospectionResponse.SignedEnvelope(a, defect: FakeJwtDefect.TamperedPayload))).SetName("TamperedPayload");
        yield return new TestCaseData((Func<FakeIntrospectionResponse, FakeIntrospectionResponse>)(a => FakeIntrospectionResponse.SignedEnvelope(a, algorithm: "RS256"))).SetName("Rs256NotListed");
        yield return new TestCaseData((Func<FakeIntrospectionResponse, FakeIntrospectionResponse>)(a => FakeIntrospectionResponse.SignedEnvelope(a, customizeClaims: c => c["iss"] = "https://other-issuer.example"))).SetName("WrongIssuer");
        yield return new TestCaseData((Func<FakeIntrospectionResponse, FakeIntrospectionResponse>)(a => FakeIntrospectionResponse.SignedEnvelope(a, customizeClaims: c => c["iat"] = (long)c["iat"]! - 3600))).SetName("IssuedAnHourAgo");
        yield return new TestCaseData((Func<FakeIntrospectionResponse, FakeIntrospectionResponse>)(a => FakeIntrospectionResponse.SignedEnvelope(a, customizeClaims: c => c["iat"] = (long)c["iat"]! + 3600))).SetName("IssuedInTheFuture");
        yield return new TestCaseData((Func<FakeIntrospectionResponse, FakeIntrospectionResponse>)(a => FakeIntrospectionResponse.SignedEnvelope(a, customizeClaims: c => c.Remove("iat")))).SetName("NoIat");
        yield return new TestCaseData((Func<FakeIntrospectionResponse, FakeIntrospectionResponse>)(a => FakeIntrospectionResponse.SignedEnvelope(a, customizeClaims: c => c.Remove("token_introspection")))).SetName("NoTokenIntrospection");
        yield return new TestCaseData((Func<FakeIntrospectionResponse, FakeIntrospectionResponse>)(a => FakeIntrospectionResponse.SignedEnvelope(a, customizeClaims: c => c["token_introspection"] = "{\"active\":true}"))).SetName("TokenIntrospectionAsAString");
        yield return new TestCaseData((Func<FakeIntrospectionResponse, FakeIntrospectionResponse>)(a => FakeIntrospectionResponse.SignedEnvelope(a, contentType: "application/jwt"))).SetName("ContentTypeApplicationJwt");
        yield return new TestCaseData((Func<FakeIntrospectionResponse, FakeIntrospectionResponse>)(a => FakeIntrospectionResponse.SignedEnvelope(a, contentType: "application/json"))).SetName("ContentTypeJson");
    }

    [TestCaseSource(nameof(EnvelopeFaults))]
    public async Task EnvelopeFault_Is503_AndNeverCached(Func<FakeIntrospectionResponse, FakeIntrospectionResponse> fault)
    {
        string token = Scripted(fault(ActiveForA));

        VerdictAssert.Rejected(await _rs.ValidateAsync("Bearer " + token, A), 503, "temporarily_unavailable", FapiFailureReason.AuthorizationServerUnavailable);
        VerdictAssert.Rejected(await _rs.ValidateAsync("Bearer " + token, A), 503, "temporarily_unavailable", FapiFailureReason.AuthorizationServerUnavailable);

        Assert.That(Server.IntrospectionCount, Is.EqualTo(2), "a refused envelope is never cached");
        Assert.That(_rs.Cache.Count, Is.Zero);
    }

    [Test]
    public async Task InactiveInsideTheEnvelope_WithActiveOnTop_Is401()
    {
        string token = Scripted(FakeIntrospectionResponse.SignedEnvelope(FakeIntrospectionResponse.Inactive(), customizeClaims: c =>
        {
            c["active"] = true;
            c["cnf"] = new JsonObject { ["x5t#S256"] = CertificateThumbprint.FromCertificate(A).ToString() };
        }));

        VerdictAssert.InvalidToken(await _rs.ValidateAsync("Bearer " + token, A), FapiFailureReason.TokenInactive);
    }

    [Test]
    public async Task TokenIntrospectionWithoutActive_IsInvalidRequest_LikeAJsonAnswer()
    {
        string token = Scripted(FakeIntrospectionResponse.SignedEnvelope(FakeIntrospectionResponse.Json("""{"scope":"s1"}""")));

        VerdictAssert.Rejected(await _rs.ValidateAsync("Bearer " + token, A), 400, "invalid_request", FapiFailureReason.IntrospectionMissingActive);
    }

    [Test]
    public async Task TokenIntrospectionBoundToAnotherCertificate_Is401()
    {
        VerdictAssert.InvalidToken(await _rs.ValidateAsync("Bearer " + Server.IssueToken(A, "s1"), B), FapiFailureReason.CertificateMismatch);
    }

    [Test]
    public async Task IssuedWithinTheMaximumAge_IsAccepted()
    {
        string token = Scripted(FakeIntrospectionResponse.SignedEnvelope(ActiveForA, customizeClaims: c => c["iat"] = (long)c["iat"]! - 59));

        Assert.That((await _rs.ValidateAsync("Bearer " + token, A)).Succeeded, Is.True);
    }

    [Test]
    public async Task Rs256Envelope_IsAccepted_WhenListed()
    {
        ValidatorHarness rs = NewValidator(o =>
        {
            o.IntrospectionResponseFormat = IntrospectionResponseFormat.Jwt;
            o.AllowedSigningAlgorithms.Add("RS256");
        });

        Assert.That((await rs.ValidateAsync("Bearer " + Scripted(FakeIntrospectionResponse.SignedEnvelope(ActiveForA, algorithm: "RS256")), A)).Succeeded, Is.True);
    }

    [Test]
    public async Task VerifiedAnswer_IsCachedLikeAJsonAnswer()
    {
        string token = Server.IssueToken(A, "s1");

        Assert.That((await _rs.ValidateAsync("Bearer " + token, A)).Succeeded, Is.True);
        Assert.That((await _rs.ValidateAsync("Bearer " + token, A)).Succeeded, Is.True);

        Assert.That(Server.IntrospectionCount, Is.EqualTo(1));
    }
}
