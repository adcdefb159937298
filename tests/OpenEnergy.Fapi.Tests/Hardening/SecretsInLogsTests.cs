using Microsoft.Extensions.Logging.Testing;
using OpenEnergy.Fapi.Testing;
using OpenEnergy.Fapi.Tests.Support;
using OpenEnergy.Fapi.Validation;
using static OpenEnergy.Fapi.Tests.Support.Certificates;

namespace OpenEnergy.Fapi.Tests.Hardening;

/// <summary>With logging at Trace, no token, private key or PEM block reaches a message, a scope or an exception.</summary>
internal sealed class SecretsInLogsTests : AuthorizationServerFixture
{
    [Test]
    public async Task EveryScenario_AtTrace_LogsNoTokenNoKeyNoPem()
    {
        ValidatorHarness rs = NewValidator(o => o.IntrospectionRetryCount = 1);
        var tokens = new List<string>();
        string Issue(Action<System.Text.Json.Nodes.JsonObject>? customize = null)
        {
            string token = Server.IssueToken(A, "s1", customize: customize);
            tokens.Add(token);
            return token;
        }

        string Scripted(FakeIntrospectionResponse response)
        {
            string token = FakeAuthorizationServer.NewToken();
            Server.SetResponse(token, response);
            tokens.Add(token);
            return token;
        }

        await rs.ValidateAsync("Bearer " + Issue(), A, "s1");
        await rs.ValidateAsync("Bearer " + Issue(), B, "s1");
        await rs.ValidateAsync("Bearer " + Issue(), A, "s9");
        await rs.ValidateAsync("Bearer " + Issue(o => o["exp"] = 1), A);
        await rs.ValidateAsync("Bearer " + Issue(o => o["cnf"] = "x"), A);
        await rs.ValidateAsync("Bearer " + Issue(), null);
        await rs.ValidateAsync("Bearer " + Scripted(FakeIntrospectionResponse.Status(500)), A);
        await rs.ValidateAsync("Bearer " + Scripted(FakeIntrospectionResponse.Status(401)), A);
        await rs.ValidateAsync("Bearer " + Scripted(FakeIntrospectionResponse.Json("{\"active\":tr", "application/json")), A);
        await rs.ValidateAsync("Bearer " + Scripted(FakeIntrospectionResponse.Json("{}")), A);
        await rs.ValidateAsync("Bearer " + Scripted(FakeIntrospectionResponse.Abort()), A);
        string inactive = FakeAuthorizationServer.NewToken();
        tokens.Add(inactive);
        await rs.ValidateAsync("Bearer " + inactive, A);
        await rs.ValidateAsync("Bearer a b " + inactive, A);
        await rs.ValidateAsync("Bearer " + new string('x', 5000), A);

        IReadOnlyList<FakeLogRecord> records = rs.Logs.GetSnapshot();
        Assert.That(records, Is.Not.Empty);
        foreach (FakeLogRecord record in records)
        {
            string text = record.Message + " " + string.Join(" ", record.Scopes.Select(s => s?.ToString())) + " " + record.Exception;
            foreach (string token in tokens)
            {
                Assert.That(text.Contains(token, StringComparison.Ordinal), Is.False, $"a token was logged: {record.Message}");
            }

            Assert.That(text, Does.Not.Contain("BEGIN CERTIFICATE").And.Not.Contain("PRIVATE KEY"));
            Assert.That(text.Contains(new string('x', 64), StringComparison.Ordinal), Is.False);
        }
    }
}
