using System.Net;
using System.Security.Cryptography.X509Certificates;
using OpenEnergy.Fapi.AspNetCore.Tests.Support;
using OpenEnergy.Fapi.Configuration;
using OpenEnergy.Fapi.Testing;

namespace OpenEnergy.Fapi.AspNetCore.Tests;

/// <summary>
/// IB1 directory roles and the client-id binding over real sockets, through Kestrel's own mutual TLS and through
/// a forwarded certificate header: endpoints, route groups, a middleware branch and the authentication handler.
/// </summary>
[TestFixture(CertificateIntake.DirectTls)]
[TestFixture(CertificateIntake.ForwardedHeader)]
internal sealed class DirectoryRoleEndToEndTests : ProviderFixture
{
    private const string App = "https://directory.example/apps/consumer-r";
    private static readonly X509Certificate2 Reader = TestDirectory.Ca.IssueIb1ClientCertificate("consumer-r", ["reader", "auditor"], App, "member-r");
    private static readonly X509Certificate2 NoRoles = TestDirectory.Ca.IssueIb1ClientCertificate("consumer-n", roles: null, App);
    private static readonly X509Certificate2 BadRoles = TestDirectory.Ca.IssueIb1ClientCertificate("consumer-b", roles: null, App, extraExtensions: new X509Extension(Certificates.DirectoryCertificate.RolesOid, [0x30, 0x05, 0x0C], false));

    private readonly CertificateIntake _intake;
    private ProviderHost _host = null!;
    private ProviderHost _bound = null!;
    private ProviderHost _ib1 = null!;

    public DirectoryRoleEndToEndTests(CertificateIntake intake) => _intake = intake;

    [OneTimeSetUp]
    public async Task StartHosts()
    {
        _host = await StartHostAsync(_intake);
        _bound = await StartHostAsync(_intake, o => o.ClientIdBinding = ClientIdBinding.CertificateUriSan);
        _ib1 = await StartHostAsync(_intake, o =>
        {
            o.Profile = FapiProfile.Ib1;
            o.Audience = FakeAuthorizationServer.DefaultJwtAudience;
        });
    }

    private async Task<HttpResponseMessage> GetAsync(ProviderHost host, string path, X509Certificate2 certificate, string? token = null)
    {
        using HttpClient client = host.Client(certificate);
        using HttpRequestMessage request = ProviderHost.Get(path, token ?? Server.IssueToken(certificate, "s1", App));
        return await client.SendAsync(request);
    }

    [Test]
    public async Task RolePresent_Is200_AndTheEndpointSeesTheCertificatesRoles()
    {
        using HttpResponseMessage response = await GetAsync(_host, "/roles/reader", Reader);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("roles:reader,auditor"));
    }

    [Test]
    public async Task RoleMissing_Is403AccessDenied_WithFapiHeadersAndABody()
    {
        using HttpResponseMessage response = await GetAsync(_host, "/roles/writer", Reader);

        await ResponseAssert.RefusedAsync(response, HttpStatusCode.Forbidden, "access_denied");
        Assert.That(response.Headers.WwwAuthenticate.ToString(), Does.Contain("writer"));
    }

    [Test]
    public async Task RequireFapiRoleWithoutRequireFapi_IsNeverIgnored_TheEndpointGuardsItself()
    {
        using HttpResponseMessage served = await GetAsync(_host, "/roles/alone", Reader);
        using HttpResponseMessage noRole = await GetAsync(_host, "/roles/alone", NoRoles);
        using HttpClient client = _host.Client(Reader);
        using HttpResponseMessage noToken = await client.GetAsync("/roles/alone");

        Assert.That(served.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await ResponseAssert.RefusedAsync(noRole, HttpStatusCode.Forbidden, "access_denied");
        await ResponseAssert.RefusedAsync(noToken, HttpStatusCode.Unauthorized, null);
    }

    [Test]
    public async Task UnparsableRolesExtension_Is403()
    {
        using HttpResponseMessage response = await GetAsync(_host, "/roles/reader", BadRoles);

        await ResponseAssert.RefusedAsync(response, HttpStatusCode.Forbidden, "access_denied");
    }

    [Test]
    public async Task CertificateWithoutRoles_Is403()
    {
        using HttpResponseMessage response = await GetAsync(_host, "/roles/reader", NoRoles);

        await ResponseAssert.RefusedAsync(response, HttpStatusCode.Forbidden, "access_denied");
    }

    [Test]
    public async Task GroupAndEndpointRequirements_BothMet_Is200()
    {
        using HttpResponseMessage response = await GetAsync(_host, "/roles/group/auditor", Reader);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task GroupAndEndpointRequirements_OneUnmet_Is403()
    {
        using HttpResponseMessage response = await GetAsync(_host, "/roles/group/writer", Reader);

        await ResponseAssert.RefusedAsync(response, HttpStatusCode.Forbidden, "access_denied");
    }

    [Test]
    public async Task BadToken_WithARolelessCertificate_Is401_NotAccessDenied()
    {
        using HttpResponseMessage response = await GetAsync(_host, "/roles/reader", NoRoles, Fapi.Testing.FakeAuthorizationServer.NewToken());

        await ResponseAssert.RefusedAsync(response, HttpStatusCode.Unauthorized, "invalid_token");
    }

    [Test]
    public async Task GoodTokenWithoutTheScope_AndNoRole_Is403InsufficientScope()
    {
        using HttpResponseMessage response = await GetAsync(_host, "/roles/reader", NoRoles, Server.IssueToken(NoRoles, "s2", App));

        await ResponseAssert.RefusedAsync(response, HttpStatusCode.Forbidden, "insufficient_scope", "s1");
    }

    [Test]
    public async Task MiddlewareBranchWithRoles_ServesAHolder_AndRefusesTheOthers()
    {
        using HttpResponseMessage served = await GetAsync(_host, "/mw-roles", Reader);
        using HttpResponseMessage refused = await GetAsync(_host, "/mw-roles", NoRoles);

        Assert.That(served.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await ResponseAssert.RefusedAsync(refused, HttpStatusCode.Forbidden, "access_denied");
    }

    [Test]
    public async Task AuthenticationHandler_GivesTheCertificateFactsAsClaims_AndHonoursRequireFapiRole()
    {
        using HttpResponseMessage served = await GetAsync(_host, "/authz-roles", Reader);
        using HttpResponseMessage refused = await GetAsync(_host, "/authz-writer", Reader);

        Assert.That(served.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await served.Content.ReadAsStringAsync(), Is.EqualTo("claims:reader,auditor;" + App));
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(refused.Headers.WwwAuthenticate.ToString(), Does.Contain("access_denied"));
    }

    [Test]
    public async Task AuthorizeWithAFapiRolePolicy_ServesAHolder_AndRefusesOthersWithAccessDenied()
    {
        using HttpResponseMessage served = await GetAsync(_host, "/authz-policy-readers", Reader);
        using HttpResponseMessage refused = await GetAsync(_host, "/authz-policy-writers", Reader);

        Assert.That(served.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await ResponseAssert.RefusedAsync(refused, HttpStatusCode.Forbidden, "access_denied");
    }

    [Test]
    public async Task PolicyWithAScopeAndARole_BothUnmet_IsInsufficientScope_ScopesBeforeRoles()
    {
        using HttpResponseMessage response = await GetAsync(_host, "/authz-s3-writer", Reader);

        await ResponseAssert.RefusedAsync(response, HttpStatusCode.Forbidden, "insufficient_scope", "s3");
    }

    [Test]
    public async Task Ib1Profile_EndpointWithoutARoleRequirement_Is403_AndOneWithItsOwnRoles_Is200()
    {
        using HttpResponseMessage unguarded = await GetAsync(_ib1, "/v1/data", Reader);
        using HttpResponseMessage guarded = await GetAsync(_ib1, "/roles/reader", Reader);

        await ResponseAssert.RefusedAsync(unguarded, HttpStatusCode.Forbidden, "access_denied");
        Assert.That(guarded.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(_ib1.Logs.GetSnapshot().Any(r => r.Level == Microsoft.Extensions.Logging.LogLevel.Error && r.Message.Contains("requires a role requirement", StringComparison.Ordinal)), Is.True);
    }

    [Test]
    public async Task ClientIdEqualToTheCertificatesUriSan_Is200()
    {
        using HttpResponseMessage response = await GetAsync(_bound, "/v1/data", Reader);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task ClientIdOtherThanTheCertificatesUriSan_Is401()
    {
        using HttpResponseMessage response = await GetAsync(_bound, "/v1/data", Reader, Server.IssueToken(Reader, "s1", "https://directory.example/apps/someone-else"));

        await ResponseAssert.RefusedAsync(response, HttpStatusCode.Unauthorized, "invalid_token");
    }

    [Test]
    public async Task CertificateWithoutAUriSan_UnderUriSanBinding_Is401()
    {
        X509Certificate2 noUri = TestDirectory.Ca.IssueIb1ClientCertificate("consumer-u", ["reader"]);

        using HttpResponseMessage response = await GetAsync(_bound, "/v1/data", noUri, Server.IssueToken(noUri, "s1", App));

        await ResponseAssert.RefusedAsync(response, HttpStatusCode.Unauthorized, "invalid_token");
    }
}
