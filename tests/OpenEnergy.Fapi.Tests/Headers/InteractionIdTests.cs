using OpenEnergy.Fapi.Headers;

namespace OpenEnergy.Fapi.Tests.Headers;

public class InteractionIdTests
{
    [TestCase("c770AEf3-6784-41F7-8e0E-ff5f97bddb3a")]
    [TestCase("c770aef3-6784-41f7-8e0e-ff5f97bddb3a")]
    public void Uuid_InAnyCase_IsEchoedExactly(string value)
    {
        Assert.That(InteractionId.Resolve(value, out bool replaced), Is.SameAs(value));
        Assert.That(replaced, Is.False);
    }

    [TestCase("not-a-uuid")]
    [TestCase("<script>alert(1)</script>")]
    [TestCase("{c770aef3-6784-41f7-8e0e-ff5f97bddb3a}")]
    [TestCase("c770aef3678441f78e0eff5f97bddb3a")]
    [TestCase("1-1-1-1-1")]
    public void NonUuid_IsReplacedWithAFreshUuid(string value)
    {
        string resolved = InteractionId.Resolve(value, out bool replaced);

        Assert.That(resolved, Does.Match("^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$"));
        Assert.That(replaced, Is.True);
    }

    [Test]
    public void Absent_GivesADifferentUuidEachTime()
    {
        string one = InteractionId.Resolve(null, out bool replaced);
        string two = InteractionId.Resolve(null, out _);

        Assert.That(one, Is.Not.EqualTo(two));
        Assert.That(replaced, Is.False);
    }
}

public class InteractionIdGenerationTests
{
    [Test]
    public void NewId_IsAVersion4Rfc4122Uuid_AndUnique()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < 10_000; i++)
        {
            string id = InteractionId.NewId();

            Assert.That(id, Does.Match("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"));
            Assert.That(seen.Add(id), Is.True);
        }
    }
}
