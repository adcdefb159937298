using OpenEnergy.Fapi.Introspection;

namespace OpenEnergy.Fapi.Tests.Introspection;

public class IntrospectionResponseParserTests
{
    private static IntrospectionOutcome Parse(string json) => IntrospectionResponseParser.Parse(System.Text.Encoding.UTF8.GetBytes(json));

    [Test]
    public void OpenEnergyExample_IsReadInFull()
    {
        IntrospectionOutcome outcome = Parse("""
            {"active": true, "client_id": "kZuAsn7UyZ98Wwh29hDpf", "organisation_id": "8",
             "organisation_name": "A Demo Provider", "software_roles": ["EDSP_L1"],
             "scope": "directory:software", "iat": 1626278645, "exp": 1626279245,
             "iss": "https://auth.directory.example", "token_type": "Bearer",
             "cnf": {"x5t#S256": "rP_-9u3ZyVo4ryQxg-bn4rr6gJGNu1dTowEeppOuIt8"},
             "additional_software_metadata": {"metadata": {"something": "something else"}},
             "custom": [1, 2]}
            """);

        IntrospectionResult result = outcome.Result!;
        Assert.That(outcome.Kind, Is.EqualTo(IntrospectionOutcomeKind.Answered));
        Assert.That(result.Active, Is.True);
        Assert.That(result.MalformedMember, Is.Null);
        Assert.That(result.ClientId, Is.EqualTo("kZuAsn7UyZ98Wwh29hDpf"));
        Assert.That(result.OrganisationId, Is.EqualTo("8"));
        Assert.That(result.OrganisationName, Is.EqualTo("A Demo Provider"));
        Assert.That(result.SoftwareRoles, Is.EqualTo(new[] { "EDSP_L1" }));
        Assert.That(result.Scopes, Is.EqualTo(new[] { "directory:software" }));
        Assert.That(result.IssuedAt, Is.EqualTo(DateTimeOffset.FromUnixTimeSeconds(1626278645)));
        Assert.That(result.ExpiresAt, Is.EqualTo(DateTimeOffset.FromUnixTimeSeconds(1626279245)));
        Assert.That(result.Issuer, Is.EqualTo("https://auth.directory.example"));
        Assert.That(result.BoundCertificateThumbprint?.ToString(), Is.EqualTo("rP_-9u3ZyVo4ryQxg-bn4rr6gJGNu1dTowEeppOuIt8"));
        Assert.That(result.AdditionalSoftwareMetadata!.Value.GetProperty("metadata").GetProperty("something").GetString(), Is.EqualTo("something else"));
        Assert.That(result.AdditionalMembers["custom"].GetArrayLength(), Is.EqualTo(2));
    }

    [Test]
    public void NumericOrganisationId_AndAudienceArray_AreAccepted()
    {
        IntrospectionResult result = Parse("{\"active\":true,\"organisation_id\":8,\"aud\":[\"rs1\",\"rs2\"],\"exp\":1626279245.7}").Result!;

        Assert.That(result.OrganisationId, Is.EqualTo("8"));
        Assert.That(result.Audiences, Is.EqualTo(new[] { "rs1", "rs2" }));
        Assert.That(result.ExpiresAt, Is.EqualTo(DateTimeOffset.FromUnixTimeSeconds(1626279245)));
        Assert.That(result.MalformedMember, Is.Null);
    }

    [Test]
    public void AdditionalClientMetadata_IsExposedToo()
    {
        IntrospectionResult result = Parse("{\"active\":true,\"additional_client_metadata\":{\"metadata\":{}}}").Result!;

        Assert.That(result.AdditionalClientMetadata, Is.Not.Null);
    }

    [Test]
    public void NoActive_IsMissingActive()
    {
        Assert.That(Parse("{\"scope\":\"a\"}").Kind, Is.EqualTo(IntrospectionOutcomeKind.MissingActive));
    }

    [Test]
    public void DuplicateActive_IsRefused()
    {
        Assert.That(Parse("{\"active\":false,\"active\":true}").Kind, Is.EqualTo(IntrospectionOutcomeKind.Unavailable));
    }

    [Test]
    public void DuplicateUnknownMember_IsRefused()
    {
        Assert.That(Parse("{\"active\":true,\"x\":1,\"x\":2}").Kind, Is.EqualTo(IntrospectionOutcomeKind.Unavailable));
    }

    [Test]
    public void SixteenLevels_AreAccepted_SeventeenAreNot()
    {
        string Nested(int depth) => "{\"active\":true,\"x\":" + new string('[', depth - 1) + new string(']', depth - 1) + "}";

        Assert.That(Parse(Nested(16)).Kind, Is.EqualTo(IntrospectionOutcomeKind.Answered));
        Assert.That(Parse(Nested(17)).Kind, Is.EqualTo(IntrospectionOutcomeKind.Unavailable));
    }

    [Test]
    public void CnfWithoutX5t_IsUnbound()
    {
        IntrospectionResult result = Parse("{\"active\":true,\"cnf\":{\"x5t\":\"abc\"}}").Result!;

        Assert.That(result.Binding, Is.EqualTo(CertificateBinding.None));
        Assert.That(result.MalformedMember, Is.Null);
    }

    [TestCase("{\"active\":true,\"cnf\":{\"jkt\":\"abc\"}}")]
    [TestCase("{\"active\":true,\"cnf\":{\"x5t#S256\":\"A4DtL2JmUMhAsvJj5tKyn64SqzmuXbMrJa0n761y5v0\",\"jkt\":\"abc\"}}")]
    public void CnfWithAJkt_IsDpopBound_WhateverElseItSays(string json)
    {
        IntrospectionResult result = Parse(json).Result!;

        Assert.That(result.Binding, Is.EqualTo(CertificateBinding.DpopBound));
        Assert.That(result.BoundCertificateThumbprint, Is.Null);
    }

    [Test]
    public void InactiveAnswer_KeepsNoMembers()
    {
        IntrospectionResult result = Parse("{\"active\":false,\"client_id\":\"x\",\"sub\":\"y\"}").Result!;

        Assert.That(result.Active, Is.False);
        Assert.That(result.ClientId, Is.Null);
        Assert.That(result.Subject, Is.Null);
    }
}
