using System.Text;
using System.Text.Json;
using OpenEnergy.Fapi.Introspection;

namespace OpenEnergy.Fapi.Tests.Introspection;

/// <summary>
/// Cached answers keep the values a consumer's tokens repeat once, not once per token, and sharing never hands one
/// answer another's value.
/// </summary>
public class IntrospectionValueSharingTests
{
    private static IntrospectionResult Parse(string json) => IntrospectionResponseParser.Parse(Encoding.UTF8.GetBytes(json)).Result!;

    private static string Answer(string jti, string organisation = "Org A", string scope = "energy:read energy:write")
        => $$"""
            {"active":true,"client_id":"client-a","sub":"sub-{{jti}}","jti":"{{jti}}","organisation_id":"org-a",
             "organisation_name":"{{organisation}}","software_roles":["EDSP_L1","EDSP_L2"],"scope":"{{scope}}",
             "iss":"https://issuer.example","token_type":"Bearer","aud":"https://provider.example",
             "additional_software_metadata":{"metadata":{"tier":"gold"} } }
            """;

    [Test]
    public void TwoTokensOfOneConsumer_ShareTheRepeatedValues()
    {
        IntrospectionResult first = Parse(Answer("1"));
        IntrospectionResult second = Parse(Answer("2"));

        Assert.Multiple(() =>
        {
            Assert.That(second.ClientId, Is.SameAs(first.ClientId));
            Assert.That(second.OrganisationId, Is.SameAs(first.OrganisationId));
            Assert.That(second.OrganisationName, Is.SameAs(first.OrganisationName));
            Assert.That(second.Issuer, Is.SameAs(first.Issuer));
            Assert.That(second.Scope, Is.SameAs(first.Scope));
            Assert.That(second.Scopes, Is.SameAs(first.Scopes));
            Assert.That(second.SoftwareRoles, Is.SameAs(first.SoftwareRoles));
            Assert.That(second.Audiences, Is.SameAs(first.Audiences));
            Assert.That(System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(second.AdditionalSoftwareMetadata!.Value).Length, Is.GreaterThan(0));
            Assert.That(SameDocument(second.AdditionalSoftwareMetadata!.Value, first.AdditionalSoftwareMetadata!.Value), Is.True);
        });
    }

    [Test]
    public void PerTokenValues_AreNeverShared()
    {
        IntrospectionResult first = Parse(Answer("1"));
        IntrospectionResult second = Parse(Answer("2"));

        Assert.That((second.Subject, second.JwtId), Is.EqualTo(("sub-2", "2")));
        Assert.That(first.Subject, Is.EqualTo("sub-1"));
    }

    [Test]
    public void AnAnswerWithOtherValues_GetsItsOwn()
    {
        IntrospectionResult first = Parse(Answer("1"));
        IntrospectionResult other = Parse(Answer("2", organisation: "Org B", scope: "energy:read"));

        Assert.That(other.OrganisationName, Is.EqualTo("Org B"));
        Assert.That(other.Scopes, Is.EqualTo(new[] { "energy:read" }));
        Assert.That(first.OrganisationName, Is.EqualTo("Org A"));
        Assert.That(first.Scopes, Is.EqualTo(new[] { "energy:read", "energy:write" }));
    }

    [Test]
    public void SharedLists_CannotBeChangedThroughACast()
    {
        IntrospectionResult result = Parse(Answer("1"));

        Assert.That(result.Scopes, Is.Not.InstanceOf<string[]>());
        Assert.That(() => ((IList<string>)result.SoftwareRoles)[0] = "EDSP_ADMIN", Throws.InstanceOf<NotSupportedException>());
        Assert.That(() => ((IList<string>)result.Audiences).Add("https://elsewhere.example"), Throws.InstanceOf<NotSupportedException>());
    }

    [Test]
    public void TheSameTextAsAStringAndAsAList_IsReadEachByItsOwnRule()
    {
        // "a b" as scope is two scopes; as aud it is one audience (RFC 7519 §4.1.3).
        IntrospectionResult result = Parse("""{"active":true,"scope":"a b","aud":"a b","software_roles":"a b"}""");

        Assert.That(result.Scopes, Is.EqualTo(new[] { "a", "b" }));
        Assert.That(result.SoftwareRoles, Is.EqualTo(new[] { "a", "b" }));
        Assert.That(result.Audiences, Is.EqualTo(new[] { "a b" }));
    }

    [Test]
    public void ANumberAndAStringOrganisationId_AreTheSameText()
    {
        Assert.That(Parse("""{"active":true,"organisation_id":8}""").OrganisationId, Is.EqualTo("8"));
        Assert.That(Parse("""{"active":true,"organisation_id":"8"}""").OrganisationId, Is.EqualTo("8"));
    }

    [Test]
    public void OneSlot_ValuesThatCollide_AreEachReturnedRight()
    {
        int made = 0;
        var pool = new IntrospectionValuePool<string>(1, e => { made++; return e.GetString()!; });
        string Get(string json) => pool.GetOrAdd(JsonDocument.Parse(json).RootElement);

        Assert.That(Get("\"first\""), Is.EqualTo("first"));
        Assert.That(Get("\"second\""), Is.EqualTo("second"));
        Assert.That(Get("\"first\""), Is.EqualTo("first"));
        Assert.That(Get("\"first\""), Is.EqualTo("first"));
        Assert.That(made, Is.EqualTo(3), "the slot holds the last value made; a repeat of it is shared");
    }

    [Test]
    public void ALongValue_IsMadeAnewEachTime()
    {
        var pool = new IntrospectionValuePool<string>(8, e => e.GetString()!);
        string json = "\"" + new string('x', 2000) + "\"";
        string first = pool.GetOrAdd(JsonDocument.Parse(json).RootElement);
        string second = pool.GetOrAdd(JsonDocument.Parse(json).RootElement);

        Assert.That(second, Is.EqualTo(first));
        Assert.That(second, Is.Not.SameAs(first));
    }

    [TestCase(0)]
    [TestCase(3)]
    [TestCase(-4)]
    public void ASlotCountThatIsNotAPowerOfTwo_IsRefused(int slots)
        => Assert.That(() => new IntrospectionValuePool<string>(slots, e => e.GetString()!), Throws.InstanceOf<ArgumentOutOfRangeException>());

    /// <summary>Whether two elements are the one shared element (the same bytes in memory, not merely equal text).</summary>
    private static bool SameDocument(JsonElement a, JsonElement b)
        => System.Runtime.CompilerServices.Unsafe.AreSame(
            ref System.Runtime.InteropServices.MemoryMarshal.GetReference(System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(a)),
            ref System.Runtime.InteropServices.MemoryMarshal.GetReference(System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(b)));
}
