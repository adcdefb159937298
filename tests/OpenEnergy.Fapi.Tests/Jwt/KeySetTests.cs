using System.Security.Cryptography;
using System.Text.Json.Nodes;
using OpenEnergy.Fapi.Testing;
using OpenEnergy.Fapi.Tests.Support;
using OpenEnergy.Fapi.Validation;
using static OpenEnergy.Fapi.Tests.Support.Certificates;

namespace OpenEnergy.Fapi.Tests.Jwt;

/// <summary>The issuer's key set: fetched once, refreshed on rotation within the rate limit, kept through outages.</summary>
internal sealed class KeySetTests : JwtFixture
{
    private static string Bearer(string token) => "Bearer " + token;

    [Test]
    public async Task ConcurrentFirstRequests_ShareOneFetch()
    {
        ValidatorHarness rs = NewJwtValidator();
        string[] tokens = [.. Enumerable.Range(0, 20).Select(_ => Server.IssueJwt(A, "s1"))];

        FapiVerdict[] verdicts = await Task.WhenAll(tokens.Select(t => rs.ValidateAsync(Bearer(t), A).AsTask()));

        Assert.That(verdicts.All(v => v.Succeeded), Is.True);
        Assert.That(Server.JwksCount, Is.EqualTo(1));
        Assert.That(Server.DiscoveryCount, Is.EqualTo(1));
    }

    [Test]
    public async Task RotatedKey_IsAccepted_AfterOneFetch()
    {
        ValidatorHarness rs = NewJwtValidator();
        Assert.That((await rs.ValidateAsync(Bearer(Server.IssueJwt(A, "s1")), A)).Succeeded, Is.True);
        Server.RotateSigningKeys();
        Time.Advance(TimeSpan.FromSeconds(30));

        FapiVerdict verdict = await rs.ValidateAsync(Bearer(Server.IssueJwt(A, "s1")), A);

        Assert.That(verdict.Succeeded, Is.True);
        Assert.That(Server.JwksCount, Is.EqualTo(2));
    }

    [Test]
    public async Task RotatedKey_WithinTheRefreshInterval_IsUnknown_UntilTheIntervalHasPassed()
    {
        ValidatorHarness rs = NewJwtValidator();
        Assert.That((await rs.ValidateAsync(Bearer(Server.IssueJwt(A, "s1")), A)).Succeeded, Is.True);
        Server.RotateSigningKeys();
        string rotated = Server.IssueJwt(A, "s1");

        VerdictAssert.InvalidToken(await rs.ValidateAsync(Bearer(rotated), A), FapiFailureReason.UnknownSigningKey);
        Assert.That(Server.JwksCount, Is.EqualTo(1), "no fetch within JwksRefreshInterval of the last");

        Time.Advance(TimeSpan.FromSeconds(30));
        Assert.That((await rs.ValidateAsync(Bearer(rotated), A)).Succeeded, Is.True);
        Assert.That(Server.JwksCount, Is.EqualTo(2));
    }

    [Test]
    public async Task FiftyInventedKeyIds_CostAtMostOneFetchPerInterval()
    {
        ValidatorHarness rs = NewJwtValidator();
        Assert.That((await rs.ValidateAsync(Bearer(Server.IssueJwt(A, "s1")), A)).Succeeded, Is.True);

        for (int interval = 1; interval <= 3; interval++)
        {
            Time.Advance(TimeSpan.FromSeconds(30));
            string[] invented = [.. Enumerable.Range(0, 50).Select(i => Server.IssueJwt(A, "s1", customizeHeader: h => h["kid"] = $"invented-{interval}-{i}"))];

            FapiVerdict[] verdicts = await Task.WhenAll(invented.Select(t => rs.ValidateAsync(Bearer(t), A).AsTask()));
            FapiVerdict[] again = await Task.WhenAll(invented.Select(t => rs.ValidateAsync(Bearer(t), A).AsTask()));

            Assert.That(verdicts.Concat(again).Select(v => v.Failure?.Reason), Is.All.EqualTo(FapiFailureReason.UnknownSigningKey));
            Assert.That(Server.JwksCount, Is.EqualTo(1 + interval), $"interval {interval}");
        }

        Assert.That(Server.IntrospectionCount, Is.Zero);
    }

    [Test]
    public async Task KeySetOutage_WithNoKeyHeld_Is503WithRetryAfter_AndRecovers()
    {
        ValidatorHarness rs = NewJwtValidator();
        Server.JwksResponse = FakeIntrospectionResponse.Status(500);
        string token = Server.IssueJwt(A, "s1");

        FapiVerdict verdict = await rs.ValidateAsync(Bearer(token), A);

        VerdictAssert.Rejected(verdict, 503, "temporarily_unavailable", FapiFailureReason.KeySetUnavailable);
        Assert.That(verdict.Failure!.RetryAfterHeaderValue, Is.EqualTo("5"));
        int fetches = Server.JwksCount;
        VerdictAssert.Rejected(await rs.ValidateAsync(Bearer(token), A), 503, "temporarily_unavailable", FapiFailureReason.KeySetUnavailable);
        Assert.That(Server.JwksCount, Is.EqualTo(fetches), "a failed fetch is not retried before Retry-After");

        Server.JwksResponse = null;
        Time.Advance(TimeSpan.FromSeconds(5));
        Assert.That((await rs.ValidateAsync(Bearer(token), A)).Succeeded, Is.True);
    }

    [TestCase(BrokenKeySet.Hang)]
    [TestCase(BrokenKeySet.NotJson)]
    [TestCase(BrokenKeySet.NoUsableKey)]
    public async Task UnusableKeySet_WithNoKeyHeld_Is503(BrokenKeySet kind)
    {
        ValidatorHarness rs = NewJwtValidator(configure: o => o.IntrospectionTimeout = TimeSpan.FromSeconds(1));
        Server.JwksResponse = kind switch
        {
            BrokenKeySet.Hang => FakeIntrospectionResponse.Hang(),
            BrokenKeySet.NotJson => FakeIntrospectionResponse.Json("<html/>", "text/html"),
            _ => FakeIntrospectionResponse.Json("""{"keys":[{"kty":"oct","kid":"k","k":"c2VjcmV0"},{"kty":"RSA","kid":"small","n":"AQAB","e":"AQAB"}]}"""),
        };
        Task<FapiVerdict> pending = rs.ValidateAsync(Bearer(Server.IssueJwt(A, "s1")), A).AsTask();
        if (kind == BrokenKeySet.Hang)
        {
            // The fetch runs under the fake clock's timeout.
            while (!pending.IsCompleted)
            {
                await Task.Yield();
                Time.Advance(TimeSpan.FromMilliseconds(100));
            }
        }

        VerdictAssert.Rejected(await pending, 503, "temporarily_unavailable", FapiFailureReason.KeySetUnavailable);
    }

    public enum BrokenKeySet
    {
        Hang,
        NotJson,
        NoUsableKey,
    }

    [Test]
    public async Task KeySetOutage_WithKeysHeld_KeepsAcceptingTokensOfKnownKeys()
    {
        ValidatorHarness rs = NewJwtValidator();
        Assert.That((await rs.ValidateAsync(Bearer(Server.IssueJwt(A, "s1")), A)).Succeeded, Is.True);
        Server.JwksResponse = FakeIntrospectionResponse.Status(503);
        Time.Advance(TimeSpan.FromHours(2));

        Assert.That((await rs.ValidateAsync(Bearer(Server.IssueJwt(A, "s1")), A)).Succeeded, Is.True);
        await KeysOf(rs).PendingFetch;
        Assert.That((await rs.ValidateAsync(Bearer(Server.IssueJwt(A, "s1", algorithm: "ES256")), A)).Succeeded, Is.True);
    }

    [Test]
    public async Task UnknownKeyId_WhileTheKeySetCannotBeRefreshed_Is503()
    {
        ValidatorHarness rs = NewJwtValidator();
        Assert.That((await rs.ValidateAsync(Bearer(Server.IssueJwt(A, "s1")), A)).Succeeded, Is.True);
        Server.JwksResponse = FakeIntrospectionResponse.Status(500);
        Server.RotateSigningKeys();
        Time.Advance(TimeSpan.FromSeconds(30));

        VerdictAssert.Rejected(await rs.ValidateAsync(Bearer(Server.IssueJwt(A, "s1")), A), 503, "temporarily_unavailable", FapiFailureReason.KeySetUnavailable);
    }

    [Test]
    public async Task KeySet_IsRefreshedInTheBackground_AfterTheAutomaticInterval()
    {
        ValidatorHarness rs = NewJwtValidator();
        string oldKeyToken = Server.IssueJwt(A, "s1", lifetime: TimeSpan.FromHours(2));
        Assert.That((await rs.ValidateAsync(Bearer(Server.IssueJwt(A, "s1")), A)).Succeeded, Is.True);
        Server.RotateSigningKeys(keepPrevious: true);
        Time.Advance(TimeSpan.FromHours(1));

        // The held keys serve this request while the new copy is fetched.
        Assert.That((await rs.ValidateAsync(Bearer(oldKeyToken), A)).Succeeded, Is.True);
        await KeysOf(rs).PendingFetch;

        Assert.That(Server.JwksCount, Is.EqualTo(2));
        Assert.That(KeysOf(rs).Current!.Find(Server.RsaKeyId), Is.Not.Null);
    }

    [Test]
    public async Task DiscoveryWithoutJwksUri_Is503()
    {
        ValidatorHarness rs = NewJwtValidator();
        Server.DiscoveryResponse = FakeIntrospectionResponse.Json($$"""{"issuer":"{{Server.IssuerIdentifier}}","introspection_endpoint":"{{Server.IntrospectionEndpoint}}"}""");

        VerdictAssert.Rejected(await rs.ValidateAsync(Bearer(Server.IssueJwt(A, "s1")), A), 503, "temporarily_unavailable", FapiFailureReason.KeySetUnavailable);
        Assert.That(rs.Logs.GetSnapshot().Any(r => r.Message.Contains("jwks_uri", StringComparison.Ordinal)), Is.True);
    }

    [Test]
    public async Task KeySet_IsFetchedWithTheProvidersMutualTls()
    {
        ValidatorHarness rs = NewJwtValidator(configure: o => o.AuthorizationServerCaCertificates.Clear());

        // Without the fake server's CA, the key set's TLS certificate is not trusted: no keys, 503.
        VerdictAssert.Rejected(await rs.ValidateAsync(Bearer(Server.IssueJwt(A, "s1")), A), 503, "temporarily_unavailable", FapiFailureReason.KeySetUnavailable);
        Assert.That(Server.JwksCount, Is.Zero);
    }

    private static string B64(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);

    private static JsonObject RsaJwk(string kid, int bits)
    {
        using var rsa = RSA.Create(bits);
        RSAParameters p = rsa.ExportParameters(false);
        return new JsonObject { ["kty"] = "RSA", ["kid"] = kid, ["n"] = B64(p.Modulus!), ["e"] = B64(p.Exponent!) };
    }

    private static JsonObject PublishedKey(JsonObject set, string kid) => set["keys"]!.AsArray().Select(k => k!.AsObject()).Single(k => (string?)k["kid"] == kid);

    [Test]
    public async Task UnusableKeys_AreLeftOutOneByOne_AndTheRestServe()
    {
        ValidatorHarness rs = NewJwtValidator();
        JsonObject set = Server.KeySet();
        JsonArray keys = set["keys"]!.AsArray();
        keys.Add(RsaJwk("weak", 1024));
        keys.Add(new JsonObject { ["kty"] = "EC", ["kid"] = "off-curve", ["crv"] = "P-256", ["x"] = B64(new byte[32]), ["y"] = B64(Enumerable.Repeat((byte)7, 32).ToArray()) });
        keys.Add(new JsonObject { ["kty"] = "EC", ["kid"] = "short", ["crv"] = "P-256", ["x"] = B64(new byte[8]), ["y"] = B64(new byte[8]) });
        keys.Add(new JsonObject { ["kty"] = "RSA", ["kid"] = "garbled", ["n"] = "!!!", ["e"] = "AQAB" });
        keys.Add(new JsonObject { ["kty"] = "oct", ["kid"] = "secret", ["k"] = "c2VjcmV0" });
        keys.Add(new JsonObject { ["kty"] = "RSA", ["use"] = "enc", ["kid"] = "encryption", ["n"] = PublishedKey(set, Server.RsaKeyId)["n"]!.GetValue<string>(), ["e"] = "AQAB" });
        Server.JwksResponse = FakeIntrospectionResponse.Json(set.ToJsonString());

        FapiVerdict first = await rs.ValidateAsync(Bearer(Server.IssueJwt(A, "s1")), A);
        Assert.That(first.Succeeded, Is.True, () => first.Failure!.Reason + string.Join("\n", rs.Logs.GetSnapshot().Select(r => r.Message)));
        Assert.That((await rs.ValidateAsync(Bearer(Server.IssueJwt(A, "s1", algorithm: "ES256")), A)).Succeeded, Is.True);
        // Earlier rotations with overlap may still publish older keys; the six bad ones never count.
        Assert.That(KeysOf(rs).Current!.KeyIds, Does.Contain(Server.RsaKeyId).And.Contain(Server.EcKeyId));
        Assert.That(KeysOf(rs).Current!.KeyIds, Has.None.AnyOf("weak", "off-curve", "short", "garbled", "secret", "encryption"));
        Assert.That(KeysOf(rs).Current!.Skipped, Is.EqualTo(6));
        VerdictAssert.InvalidToken(await rs.ValidateAsync(Bearer(Server.IssueJwt(A, "s1", customizeHeader: h => h["kid"] = "weak")), A), FapiFailureReason.UnknownSigningKey);
    }

    [Test]
    public async Task CertificateInTheJwk_IsIgnored_TheKeyIsBuiltFromItsModulus()
    {
        ValidatorHarness rs = NewJwtValidator();
        JsonObject set = Server.KeySet();
        // x5c naming another key altogether: a library that preferred it would fail every signature.
        PublishedKey(set, Server.RsaKeyId)["x5c"] = new JsonArray(Convert.ToBase64String(B.RawData));
        Server.JwksResponse = FakeIntrospectionResponse.Json(set.ToJsonString());

        Assert.That((await rs.ValidateAsync(Bearer(Server.IssueJwt(A, "s1")), A)).Succeeded, Is.True);
    }

    [Test]
    public async Task KeysSharingAKeyId_AnyThatFitsMayVerify()
    {
        ValidatorHarness rs = NewJwtValidator();
        JsonObject set = Server.KeySet();
        set["keys"]!.AsArray().Insert(0, RsaJwk(Server.RsaKeyId, 2048));
        Server.JwksResponse = FakeIntrospectionResponse.Json(set.ToJsonString());

        Assert.That((await rs.ValidateAsync(Bearer(Server.IssueJwt(A, "s1")), A)).Succeeded, Is.True);
        VerdictAssert.InvalidToken(await rs.ValidateAsync(Bearer(Server.IssueJwt(A, "s1", defect: FakeJwtDefect.UnpublishedKey)), A), FapiFailureReason.InvalidSignature);
    }

    [Test]
    public async Task KeyPinnedToAnAlgorithm_IsUsedWithThatOneAlone()
    {
        ValidatorHarness rs = NewJwtValidator(configure: o =>
        {
            o.AllowedSigningAlgorithms.Add("PS256");
            o.AllowedSigningAlgorithms.Add("RS256");
        });
        JsonObject set = Server.KeySet();
        PublishedKey(set, Server.RsaKeyId)["alg"] = "PS256";
        Server.JwksResponse = FakeIntrospectionResponse.Json(set.ToJsonString());

        Assert.That((await rs.ValidateAsync(Bearer(Server.IssueJwt(A, "s1")), A)).Succeeded, Is.True);
        VerdictAssert.InvalidToken(await rs.ValidateAsync(Bearer(Server.IssueJwt(A, "s1", algorithm: "RS256")), A), FapiFailureReason.SigningAlgorithmNotAllowed);
    }
}
