using OpenEnergy.Fapi.Headers;
using OpenEnergy.Fapi.Tests.Support;

namespace OpenEnergy.Fapi.Tests.Headers;

public class WwwAuthenticateHeaderTests
{
    [Test]
    public void NoError_IsJustTheRealm()
    {
        Assert.That(WwwAuthenticateHeader.Bearer("oe"), Is.EqualTo("Bearer realm=\"oe\""));
    }

    [Test]
    public void Attributes_ComeInOrder_WithoutATrailingComma()
    {
        string header = WwwAuthenticateHeader.Bearer("oe", "insufficient_scope", "the token lacks a required scope", "s1 s3");

        Assert.That(header, Is.EqualTo("Bearer realm=\"oe\", error=\"insufficient_scope\", error_description=\"the token lacks a required scope\", scope=\"s1 s3\""));
        Assert.That(ChallengeParser.Parse(header).Parameters, Has.Count.EqualTo(4));
    }

    [Test]
    public void ForbiddenCharacters_InADescription_AreReplaced()
    {
        string header = WwwAuthenticateHeader.Bearer("oe", "invalid_token", "a \"quoted\" \\ thing\r\n\u00e9");

        Assert.That(ChallengeParser.Parse(header).Parameters["error_description"], Is.EqualTo("a ?quoted? ? thing???"));
    }

    [Test]
    public void HttpDate_IsImfFixdate()
    {
        Assert.That(HttpDate.Format(new DateTimeOffset(2026, 11, 28, 3, 1, 33, TimeSpan.FromHours(1))), Is.EqualTo("Sat, 28 Nov 2026 02:01:33 GMT"));
    }
}
