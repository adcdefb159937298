using System.Security.Cryptography;
using System.Text.Json.Nodes;
using OpenEnergy.Fapi.Certificates;
using OpenEnergy.Fapi.Headers;
using OpenEnergy.Fapi.Introspection;
using OpenEnergy.Fapi.Testing;
using OpenEnergy.Fapi.Tests.Support;
using OpenEnergy.Fapi.Validation;
using static OpenEnergy.Fapi.Tests.Support.Certificates;

namespace OpenEnergy.Fapi.Tests.Hardening;

/// <summary>
/// Generated hostile input, many thousands of cases each. The invariants: nothing throws, a refusal is always
/// 400, 401, 403 or 503, nothing is accepted unless genuinely valid, and the same input gives the same verdict.
/// </summary>
internal sealed class HostileInputTests : AuthorizationServerFixture
{
    private static readonly int[] RefusalStatuses = [400, 401, 403, 503];

    [Test]
    public async Task GeneratedAuthorizationValues_AreNeverAccepted_AndAlwaysGiveTheSameRefusal([Values(20261128)] int seed)
    {
        ValidatorHarness rs = NewValidator();
        var random = new Random(seed);
        const int cases = 5_000;

        for (int i = 0; i < cases; i++)
        {
            string value = Generators.Authorization(random);
            string[] headers = random.Next(20) == 0 ? [value, value] : [value];
            FapiRequest request = ValidatorHarness.Request(null, A) with { Authorization = new(headers), AccessTokenInQueryOrBody = random.Next(15) == 0 };

            FapiVerdict first = await rs.Validator.ValidateAsync(request);
            FapiVerdict second = await rs.Validator.ValidateAsync(request);

            Assert.That(first.Succeeded, Is.False, $"seed {seed}, case {i}: accepted [{value}]");
            Assert.That(RefusalStatuses, Does.Contain(first.StatusCode), $"seed {seed}, case {i}");
            Assert.That(second.Failure!.Reason, Is.EqualTo(first.Failure!.Reason), $"seed {seed}, case {i}: not deterministic");
            if (value.Length > 24)
            {
                Assert.That((first.Failure.WwwAuthenticate ?? "").Contains(value[7..], StringComparison.Ordinal), Is.False, "the token was reflected");
            }
        }

        Assert.That(rs.Coordinator.InFlightCount, Is.Zero);
    }

    [Test]
    public void GeneratedForwardedHeaders_NeverThrow_AndNeverPassForTheOriginalUnlessTheyAreIt([Values(1, 2, 3)] int seed)
    {
        var random = new Random(seed);
        string pem = A.ExportCertificatePem() + "\n";
        string[] originals =
        [
            pem,
            pem.Replace("\n", "\n\t", StringComparison.Ordinal).TrimEnd('\t'),
            Uri.EscapeDataString(pem),
            Convert.ToBase64String(A.RawData),
            $"By=spiffe://a;Hash={Convert.ToHexStringLower(SHA256.HashData(A.RawData))};Cert=\"{Uri.EscapeDataString(pem)}\"",
            Uri.EscapeDataString(pem + Support.Certificates.Directory.Certificate.ExportCertificatePem()),
        ];
        CertificateThumbprint original = CertificateThumbprint.FromCertificate(A);
        const int cases = 4_000;

        for (int i = 0; i < cases; i++)
        {
            string header = Generators.Mutate(random, originals[random.Next(originals.Length)]);
            var format = (ForwardedCertificateFormat)random.Next(5);

            bool decoded = ForwardedCertificateDecoder.TryGetThumbprint(header, format, out CertificateThumbprint thumbprint);
            bool again = ForwardedCertificateDecoder.TryGetThumbprint(header, format, out CertificateThumbprint thumbprintAgain);

            Assert.That(again, Is.EqualTo(decoded), $"seed {seed}, case {i}: not deterministic");
            Assert.That(thumbprintAgain, Is.EqualTo(thumbprint));
            if (decoded && thumbprint == original && ForwardedCertificateDecoder.TryDecodeLeaf(header, format, out byte[] der))
            {
                // Only the very certificate may pass for it: a mutation that still matches must decode to its DER.
                Assert.That(der, Is.EqualTo(A.RawData), $"seed {seed}, case {i}: [{header}]");
            }
        }
    }

    [Test]
    public void GeneratedInteractionIds_AreEchoedOnlyWhenTheyAreUuids([Values(7)] int seed)
    {
        var random = new Random(seed);
        for (int i = 0; i < 20_000; i++)
        {
            string sent = random.Next(4) == 0 ? RandomUuidVariant(random) : Generators.AnyString(random, 60);

            string resolved = InteractionId.Resolve(sent, out _);

            bool isUuid = Guid.TryParseExact(sent, "D", out _);
            Assert.That(resolved == sent, Is.EqualTo(isUuid), $"case {i}: [{sent}]");
            Assert.That(Guid.TryParseExact(resolved, "D", out _), Is.True);
        }
    }

    private static string RandomUuidVariant(Random random)
    {
        string uuid = Guid.NewGuid().ToString(random.Next(3) switch { 0 => "D", 1 => "N", _ => "B" });
        return random.Next(2) == 0 ? uuid.ToUpperInvariant() : uuid;
    }

    private static readonly string[] Members = ["active", "exp", "iat", "nbf", "iss", "scope", "client_id", "token_type", "cnf", "software_roles", "organisation_name", "aud", "sub"];

    [Test]
    public async Task IntrospectionBodiesWithAWronglyTypedMember_AreNeverAccepted([Values(11)] int seed)
    {
        ValidatorHarness rs = NewValidator();
        var random = new Random(seed);
        JsonNode?[] wrongValues = [JsonValue.Create(42), JsonValue.Create("text"), JsonValue.Create(false), null, new JsonArray(1, "x"), new JsonObject { ["x"] = 1 }, JsonValue.Create(1.5e300)];
        const int cases = 2_000;

        for (int i = 0; i < cases; i++)
        {
            string member = Members[random.Next(Members.Length)];
            JsonNode? wrong = wrongValues[random.Next(wrongValues.Length)]?.DeepClone();
            if (IsAcceptableValue(member, wrong))
            {
                continue;
            }

            string token = Server.IssueToken(A, "s1", customize: o => o[member] = wrong);

            FapiVerdict verdict = await rs.ValidateAsync("Bearer " + token, A);

            Assert.That(verdict.Succeeded, Is.False, $"seed {seed}, case {i}: {member} = {wrong?.ToJsonString() ?? "null"} was accepted");
            Assert.That(RefusalStatuses, Does.Contain(verdict.StatusCode));
        }
    }

    // Values that are legitimately fine for a member: JSON null means "absent" for optional members, a string
    // is a valid single audience or role, and numbers are valid organisation ids.
    private static bool IsAcceptableValue(string member, JsonNode? value) => (member, value) switch
    {
        ("active", _) => false,
        ("cnf", null) => false,
        (_, null) => true,
        ("aud" or "software_roles", JsonValue v) when v.GetValueKind() == System.Text.Json.JsonValueKind.String => true,
        ("scope" or "iss" or "client_id" or "organisation_name" or "sub", JsonValue v) when v.GetValueKind() == System.Text.Json.JsonValueKind.String => true,
        ("token_type", JsonValue v) when v.GetValueKind() == System.Text.Json.JsonValueKind.String => false,
        ("exp" or "iat" or "nbf", JsonValue v) when v.GetValueKind() == System.Text.Json.JsonValueKind.Number && double.Parse(v.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture) < 1e10 => true,
        _ => false,
    };

    [Test]
    public void RandomBytesAndDocuments_NeverBreakTheParser([Values(5)] int seed)
    {
        var random = new Random(seed);
        for (int i = 0; i < 20_000; i++)
        {
            byte[] body = random.Next(3) switch
            {
                0 => RandomBytes(random),
                1 => System.Text.Encoding.UTF8.GetBytes(Generators.AnyString(random, 200)),
                _ => System.Text.Encoding.UTF8.GetBytes(RandomJson(random, 0)),
            };

            IntrospectionOutcome outcome = IntrospectionResponseParser.Parse(body);

            Assert.That(outcome.Kind, Is.AnyOf(IntrospectionOutcomeKind.Answered, IntrospectionOutcomeKind.MissingActive, IntrospectionOutcomeKind.Unavailable));
        }
    }

    private static byte[] RandomBytes(Random random)
    {
        byte[] bytes = new byte[random.Next(300)];
        random.NextBytes(bytes);
        return bytes;
    }

    private static string RandomJson(Random random, int depth) => random.Next(depth > 20 ? 4 : 7) switch
    {
        0 => "true",
        1 => random.Next(1000).ToString(System.Globalization.CultureInfo.InvariantCulture),
        2 => "\"s\"",
        3 => "null",
        4 => "[" + string.Join(',', Enumerable.Range(0, random.Next(3)).Select(_ => RandomJson(random, depth + 1))) + "]",
        _ => "{" + string.Join(',', Enumerable.Range(0, random.Next(4)).Select(_ => $"\"{Members[random.Next(Members.Length)]}\":{RandomJson(random, depth + 1)}")) + "}",
    };
}
