using System.Text.Json.Nodes;
using OpenEnergy.Fapi.Configuration;
using OpenEnergy.Fapi.Testing;
using OpenEnergy.Fapi.Tests.Support;
using OpenEnergy.Fapi.Validation;
using static OpenEnergy.Fapi.Tests.Support.Certificates;

namespace OpenEnergy.Fapi.Tests.Jwt;

/// <summary><c>AccessTokenFormat = Auto</c>: JWTs of the issuer's keys locally, everything else by introspection.</summary>
internal sealed class AutoFormatTests : JwtFixture
{
    private ValidatorHarness _rs = null!;

    [SetUp]
    public void CreateValidator() => _rs = NewJwtValidator(AccessTokenFormat.Auto);

    [Test]
    public async Task JwtOfAPublishedKey_IsValidatedLocally()
    {
        Assert.That((await _rs.ValidateAsync("Bearer " + Server.IssueJwt(A, "s1"), A, "s1")).Succeeded, Is.True);
        Assert.That((await _rs.ValidateAsync("Bearer " + Server.IssueJwt(A, "s1", algorithm: "ES256"), A, "s1")).Succeeded, Is.True);

        Assert.That(Server.IntrospectionCount, Is.Zero);
    }

    [Test]
    public async Task OpaqueToken_IsIntrospected()
    {
        Assert.That((await _rs.ValidateAsync("Bearer " + Server.IssueToken(A, "s1"), A, "s1")).Succeeded, Is.True);

        Assert.That(Server.IntrospectionCount, Is.EqualTo(1));
        Assert.That(Server.JwksCount, Is.Zero, "an opaque token needs no keys");
    }

    [Test]
    public async Task JwtWithAnUnknownKeyId_IsIntrospected_AfterOneKeySetRefresh()
    {
        string token = Server.IssueJwt(A, "s1", customizeHeader: h => h["kid"] = "issued-by-another-key");

        FapiVerdict verdict = await _rs.ValidateAsync("Bearer " + token, A, "s1");

        Assert.That(verdict.Succeeded, Is.True, "the authorization server vouches for its own token");
        Assert.That(Server.JwksCount, Is.EqualTo(1));
        Assert.That(Server.IntrospectionCount, Is.EqualTo(1));
    }

    [Test]
    public async Task JwtWithoutKeyId_IsIntrospected()
    {
        Assert.That((await _rs.ValidateAsync("Bearer " + Server.IssueJwt(A, "s1", customizeHeader: h => h.Remove("kid")), A)).Succeeded, Is.True);

        Assert.That(Server.IntrospectionCount, Is.EqualTo(1));
    }

    [Test]
    public async Task JwtOfAPublishedKey_WithABadSignature_IsRefused_NotIntrospected()
    {
        VerdictAssert.InvalidToken(await _rs.ValidateAsync("Bearer " + Server.IssueJwt(A, "s1", defect: FakeJwtDefect.TamperedPayload), A), FapiFailureReason.InvalidSignature);
        VerdictAssert.InvalidToken(await _rs.ValidateAsync("Bearer " + Server.IssueJwt(A, "s1", defect: FakeJwtDefect.AlgorithmNone), A), FapiFailureReason.SigningAlgorithmNotAllowed);

        Assert.That(Server.IntrospectionCount, Is.Zero);
    }

    [Test]
    public async Task KeySetOutage_WithNoKeyHeld_Is503ForJwts_ButOpaqueTokensAreStillIntrospected()
    {
        Server.JwksResponse = FakeIntrospectionResponse.Status(500);

        VerdictAssert.Rejected(await _rs.ValidateAsync("Bearer " + Server.IssueJwt(A, "s1"), A), 503, "temporarily_unavailable", FapiFailureReason.KeySetUnavailable);
        Assert.That((await _rs.ValidateAsync("Bearer " + Server.IssueToken(A, "s1"), A)).Succeeded, Is.True);
    }

    [Test]
    public async Task Ib1Profile_ValidatesJwtsLocally_ByDefault()
    {
        ValidatorHarness rs = NewValidator(o =>
        {
            o.Profile = FapiProfile.Ib1;
            o.ClientIdBinding = ClientIdBinding.None;
            o.Audience = FakeAuthorizationServer.DefaultJwtAudience;
            o.AcceptedRoles.Add("any-role");
        });

        Assert.That(rs.Services.GetService(typeof(Microsoft.Extensions.Options.IOptions<FapiOptions>)) is Microsoft.Extensions.Options.IOptions<FapiOptions> options
            && options.Value.EffectiveAccessTokenFormat == AccessTokenFormat.Auto, Is.True);
        FapiVerdict verdict = await rs.ValidateAsync("Bearer " + Server.IssueJwt(A, "s1"), A);

        // Validated locally (no introspection); refused only for the role the test certificate lacks.
        VerdictAssert.Rejected(verdict, 403, "access_denied", FapiFailureReason.MissingDirectoryRole);
        Assert.That(Server.IntrospectionCount, Is.Zero);
        Assert.That(Server.JwksCount, Is.EqualTo(1));
    }

    [Test]
    public async Task UnknownKeyId_WhileTheKeySetCannotBeRefreshed_IsIntrospected()
    {
        Assert.That((await _rs.ValidateAsync("Bearer " + Server.IssueJwt(A, "s1"), A)).Succeeded, Is.True);
        Server.JwksResponse = FakeIntrospectionResponse.Status(500);
        Server.RotateSigningKeys();
        Time.Advance(TimeSpan.FromSeconds(30));

        Assert.That((await _rs.ValidateAsync("Bearer " + Server.IssueJwt(A, "s1"), A)).Succeeded, Is.True);
        Assert.That(Server.IntrospectionCount, Is.EqualTo(1));
    }

    [Test]
    public async Task IntrospectedAnswer_NamingOtherAudiences_IsInvalidToken()
    {
        string other = Server.IssueToken(A, "s1", customize: j => j["aud"] = new JsonArray("https://another-provider.example"));
        string ours = Server.IssueToken(A, "s1", customize: j => j["aud"] = FakeAuthorizationServer.DefaultJwtAudience);

        VerdictAssert.InvalidToken(await _rs.ValidateAsync("Bearer " + other, A), FapiFailureReason.AudienceMismatch);
        Assert.That((await _rs.ValidateAsync("Bearer " + ours, A)).Succeeded, Is.True);
        Assert.That((await _rs.ValidateAsync("Bearer " + Server.IssueToken(A, "s1"), A)).Succeeded, Is.True, "an answer without aud");
    }
}
