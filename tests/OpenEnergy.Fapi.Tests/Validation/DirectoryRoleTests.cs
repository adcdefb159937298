using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using OpenEnergy.Fapi.Certificates;
using OpenEnergy.Fapi.Configuration;
using OpenEnergy.Fapi.Testing;
using OpenEnergy.Fapi.Tests.Support;
using OpenEnergy.Fapi.Validation;
using Ca = OpenEnergy.Fapi.Tests.Support.Certificates;

namespace OpenEnergy.Fapi.Tests.Validation;

/// <summary>
/// IB1 directory roles and the client-id binding, in the order of spec §16.2: token, <c>cnf</c>, client id (401),
/// scopes (403 <c>insufficient_scope</c>), roles (403 <c>access_denied</c>).
/// </summary>
internal sealed class DirectoryRoleTests : AuthorizationServerFixture
{
    private const string App = "https://directory.example/apps/consumer-1";
    private static readonly X509Certificate2 Reader = Ca.Directory.IssueIb1ClientCertificate("consumer-1", ["reader", "auditor"], App, "member-1");
    private static readonly X509Certificate2 NoRoles = Ca.Directory.IssueIb1ClientCertificate("consumer-2", roles: null, App);
    private static readonly X509Certificate2 NoUri = Ca.Directory.IssueIb1ClientCertificate("consumer-3", ["reader"]);

    private static FapiRequest Request(string token, X509Certificate2 certificate, string[]? scopes = null, params FapiRoleRequirement[] roles) => new()
    {
        Authorization = new StringValues("Bearer " + token),
        ClientCertificate = CertificateThumbprint.FromCertificate(certificate),
        ClientCertificateDetails = DirectoryCertificate.Parse(certificate.RawData),
        RequiredScopes = scopes,
        RequiredRoles = roles.Length == 0 ? null : roles,
        Resource = "/data",
    };

    private string TokenFor(X509Certificate2 certificate, string clientId = App, string scope = "energy:read")
        => Server.IssueToken(certificate, scope, clientId);

    private static void AssertRefused(FapiVerdict verdict, int status, string error, FapiFailureReason reason)
    {
        Assert.That(verdict.Succeeded, Is.False, "accepted");
        Assert.That(verdict.Failure!.StatusCode, Is.EqualTo(status));
        Assert.That(verdict.Failure.Error, Is.EqualTo(error));
        Assert.That(verdict.Failure.Reason, Is.EqualTo(reason));
        Assert.That(verdict.Failure.WwwAuthenticate, Does.Contain($"error=\"{error}\""));
    }

    [Test]
    public async Task CertificateWithAnAcceptedRole_IsServed_AndTheConsumerShowsItsCertificateFacts()
    {
        ValidatorHarness rs = NewValidator(o => o.AcceptedRoles.Add("reader"));

        FapiVerdict verdict = await rs.Validator.ValidateAsync(Request(TokenFor(Reader), Reader));

        Assert.That(verdict.Succeeded, Is.True);
        Assert.That(verdict.Consumer!.Certificate!.Roles, Is.EqualTo(new[] { "reader", "auditor" }));
        Assert.That(verdict.Consumer.Certificate.Application, Is.EqualTo(App));
        Assert.That(verdict.Consumer.Certificate.Member, Is.EqualTo("member-1"));
    }

    [Test]
    public async Task CertificateWithoutAnAcceptedRole_Is403AccessDenied_NamingTheRoles()
    {
        ValidatorHarness rs = NewValidator(o =>
        {
            o.AcceptedRoles.Add("writer");
            o.AcceptedRoles.Add("admin");
        });

        FapiVerdict verdict = await rs.Validator.ValidateAsync(Request(TokenFor(Reader), Reader));

        AssertRefused(verdict, 403, "access_denied", FapiFailureReason.MissingDirectoryRole);
        Assert.That(verdict.Failure!.ErrorDescription, Does.Contain("writer admin"));
        Assert.That(verdict.Failure.JsonBody, Does.Contain("\"error\":\"access_denied\""));
    }

    [Test]
    public async Task CertificateWhoseRolesExtensionIsAbsent_Is403()
    {
        ValidatorHarness rs = NewValidator(o => o.AcceptedRoles.Add("reader"));

        AssertRefused(await rs.Validator.ValidateAsync(Request(TokenFor(NoRoles), NoRoles)), 403, "access_denied", FapiFailureReason.MissingDirectoryRole);
    }

    [Test]
    public async Task AnyOneOfSeveralAcceptedRoles_IsEnough()
    {
        ValidatorHarness rs = NewValidator(o =>
        {
            o.AcceptedRoles.Add("writer");
            o.AcceptedRoles.Add("auditor");
        });

        Assert.That((await rs.Validator.ValidateAsync(Request(TokenFor(Reader), Reader))).Succeeded, Is.True);
    }

    [Test]
    public async Task TheResourcesOwnRequirement_ReplacesAcceptedRoles()
    {
        ValidatorHarness rs = NewValidator(o => o.AcceptedRoles.Add("writer"));

        FapiVerdict verdict = await rs.Validator.ValidateAsync(Request(TokenFor(Reader), Reader, null, new FapiRoleRequirement("auditor")));

        Assert.That(verdict.Succeeded, Is.True);
    }

    [Test]
    public async Task TwoRequirements_OneUnmet_Is403()
    {
        ValidatorHarness rs = NewValidator();

        FapiVerdict both = await rs.Validator.ValidateAsync(Request(TokenFor(Reader), Reader, null, new FapiRoleRequirement("reader"), new FapiRoleRequirement("writer", "auditor")));
        FapiVerdict oneUnmet = await rs.Validator.ValidateAsync(Request(TokenFor(Reader), Reader, null, new FapiRoleRequirement("reader"), new FapiRoleRequirement("writer")));

        Assert.That(both.Succeeded, Is.True);
        AssertRefused(oneUnmet, 403, "access_denied", FapiFailureReason.MissingDirectoryRole);
        Assert.That(oneUnmet.Failure!.ErrorDescription, Does.EndWith("writer"));
    }

    [Test]
    public async Task BadToken_WithARolelessCertificate_Is401_TokenFirst()
    {
        ValidatorHarness rs = NewValidator(o => o.AcceptedRoles.Add("reader"));

        AssertRefused(await rs.Validator.ValidateAsync(Request(Fapi.Testing.FakeAuthorizationServer.NewToken(), NoRoles)), 401, "invalid_token", FapiFailureReason.TokenInactive);
    }

    [Test]
    public async Task GoodToken_WithoutTheScope_AndWithoutTheRole_Is403InsufficientScope_ScopeBeforeRoles()
    {
        ValidatorHarness rs = NewValidator(o => o.AcceptedRoles.Add("reader"));

        AssertRefused(await rs.Validator.ValidateAsync(Request(TokenFor(NoRoles), NoRoles, ["energy:write"])), 403, "insufficient_scope", FapiFailureReason.InsufficientScope);
    }

    [Test]
    public async Task CertificateUriSanBinding_ClientIdEqualToTheUriSan_IsServed()
    {
        ValidatorHarness rs = NewValidator(o => o.ClientIdBinding = ClientIdBinding.CertificateUriSan);

        Assert.That((await rs.Validator.ValidateAsync(Request(TokenFor(Reader), Reader))).Succeeded, Is.True);
    }

    [TestCase("https://directory.example/apps/consumer-2")]
    [TestCase("https://directory.example/apps/consumer-1/")]
    [TestCase("HTTPS://directory.example/apps/consumer-1")]
    public async Task CertificateUriSanBinding_AnotherClientId_Is401(string clientId)
    {
        ValidatorHarness rs = NewValidator(o => o.ClientIdBinding = ClientIdBinding.CertificateUriSan);

        AssertRefused(await rs.Validator.ValidateAsync(Request(TokenFor(Reader, clientId), Reader)), 401, "invalid_token", FapiFailureReason.ClientIdNotBoundToCertificate);
    }

    [Test]
    public async Task CertificateUriSanBinding_CertificateWithoutAUriSan_Is401()
    {
        ValidatorHarness rs = NewValidator(o => o.ClientIdBinding = ClientIdBinding.CertificateUriSan);

        AssertRefused(await rs.Validator.ValidateAsync(Request(TokenFor(NoUri), NoUri)), 401, "invalid_token", FapiFailureReason.ClientIdNotBoundToCertificate);
    }

    [Test]
    public async Task CertificateUriSanBinding_StillRequiresTheThumbprintBinding()
    {
        // Same application URL, another certificate: cnf.x5t#S256 still decides.
        X509Certificate2 sibling = Ca.Directory.IssueIb1ClientCertificate("consumer-1b", ["reader"], App);
        ValidatorHarness rs = NewValidator(o => o.ClientIdBinding = ClientIdBinding.CertificateUriSan);

        AssertRefused(await rs.Validator.ValidateAsync(Request(TokenFor(Reader), sibling)), 401, "invalid_token", FapiFailureReason.CertificateMismatch);
    }

    [Test]
    public async Task DetailsOfAnotherCertificate_AreNotBelieved()
    {
        ValidatorHarness rs = NewValidator(o => o.AcceptedRoles.Add("reader"));
        FapiRequest request = Request(TokenFor(NoRoles), NoRoles) with { ClientCertificateDetails = DirectoryCertificate.Parse(Reader.RawData) };

        AssertRefused(await rs.Validator.ValidateAsync(request), 403, "access_denied", FapiFailureReason.MissingDirectoryRole);
    }

    [Test]
    public async Task Ib1Profile_BindsTheClientIdToTheUriSan_ByDefault()
    {
        ValidatorHarness rs = NewValidator(o =>
        {
            o.Profile = FapiProfile.Ib1;
            o.Audience = FakeAuthorizationServer.DefaultJwtAudience;
            o.AcceptedRoles.Add("reader");
        });

        AssertRefused(await rs.Validator.ValidateAsync(Request(TokenFor(Reader, "someone-else"), Reader)), 401, "invalid_token", FapiFailureReason.ClientIdNotBoundToCertificate);
    }

    [Test]
    public async Task Ib1Profile_AnExplicitClientIdBinding_WinsOverThePreset()
    {
        ValidatorHarness rs = NewValidator(o =>
        {
            o.Profile = FapiProfile.Ib1;
            o.Audience = FakeAuthorizationServer.DefaultJwtAudience;
            o.ClientIdBinding = ClientIdBinding.None;
            o.AcceptedRoles.Add("reader");
        });

        Assert.That((await rs.Validator.ValidateAsync(Request(TokenFor(Reader, "someone-else"), Reader))).Succeeded, Is.True);
    }

    [Test]
    public async Task Ib1Profile_AResourceWithNoRoleRequirement_Is403_AndLoggedAsAnError()
    {
        ValidatorHarness rs = NewValidator(o =>
        {
            o.Profile = FapiProfile.Ib1;
            o.Audience = FakeAuthorizationServer.DefaultJwtAudience;
        });

        FapiVerdict verdict = await rs.Validator.ValidateAsync(Request(TokenFor(Reader), Reader));

        AssertRefused(verdict, 403, "access_denied", FapiFailureReason.NoRoleRequirement);
        Assert.That(rs.Logs.GetSnapshot().Any(r => r.Level == LogLevel.Error && r.Message.Contains("/data", StringComparison.Ordinal)), Is.True);
        Assert.That(rs.Logs.GetSnapshot().Any(r => r.Level == LogLevel.Warning && r.Message.Contains("AcceptedRoles is empty", StringComparison.Ordinal)), Is.True);
    }

    [Test]
    public async Task OpenEnergyProfile_WithoutRoles_ChecksNoRoles()
    {
        ValidatorHarness rs = NewValidator();

        Assert.That((await rs.Validator.ValidateAsync(Request(TokenFor(NoRoles), NoRoles))).Succeeded, Is.True);
    }

    [Test]
    public async Task Ib1Profile_JwtAccessToken_IsBoundToTheUriSan_AndItsRolesChecked()
    {
        ValidatorHarness rs = NewValidator(o =>
        {
            o.Profile = FapiProfile.Ib1;
            o.Audience = FakeAuthorizationServer.DefaultJwtAudience;
            o.AcceptedRoles.Add("reader");
        });

        Assert.That((await rs.Validator.ValidateAsync(Request(Server.IssueJwt(Reader, "energy:read", App), Reader))).Succeeded, Is.True);
        AssertRefused(await rs.Validator.ValidateAsync(Request(Server.IssueJwt(Reader, "energy:read", "someone-else"), Reader)), 401, "invalid_token", FapiFailureReason.ClientIdNotBoundToCertificate);
        AssertRefused(await rs.Validator.ValidateAsync(Request(Server.IssueJwt(NoRoles, "energy:read", App), NoRoles)), 403, "access_denied", FapiFailureReason.MissingDirectoryRole);
        Assert.That(Server.IntrospectionCount, Is.Zero, "JWTs are validated locally under the IB1 profile");
    }
}
