using System.Net;
using OpenEnergy.Fapi.Configuration;

namespace OpenEnergy.Fapi.Tests.Configuration;

public class TrustedProxyListTests
{
    [TestCase("127.0.0.1", true)]
    [TestCase("127.8.9.10", true)]
    [TestCase("::1", true)]
    [TestCase("::ffff:127.0.0.1", true)]
    [TestCase("10.0.0.1", false)]
    [TestCase("192.0.2.1", false)]
    public void Default_TrustsLoopbackOnly(string address, bool trusted)
    {
        TrustedProxyList list = TrustedProxyList.Create([]);

        Assert.That(list.IsTrusted(IPAddress.Parse(address), isUnixSocket: false), Is.EqualTo(trusted));
    }

    [Test]
    public void Default_TrustsUnixSockets_ButNotAMissingAddress()
    {
        TrustedProxyList list = TrustedProxyList.Create([]);

        Assert.That(list.IsTrusted(null, isUnixSocket: true), Is.True);
        Assert.That(list.IsTrusted(null, isUnixSocket: false), Is.False);
    }

    [Test]
    public void ConfiguredList_ReplacesTheDefault()
    {
        TrustedProxyList list = TrustedProxyList.Create(["10.1.0.0/16", "192.0.2.7"]);

        Assert.That(list.IsTrusted(IPAddress.Parse("10.1.2.3"), false), Is.True);
        Assert.That(list.IsTrusted(IPAddress.Parse("::ffff:10.1.2.3"), false), Is.True);
        Assert.That(list.IsTrusted(IPAddress.Parse("192.0.2.7"), false), Is.True);
        Assert.That(list.IsTrusted(IPAddress.Parse("192.0.2.8"), false), Is.False);
        Assert.That(list.IsTrusted(IPAddress.Loopback, false), Is.False);
        Assert.That(list.IsTrusted(null, true), Is.False);
    }

    [Test]
    public void BadEntry_Throws()
    {
        Assert.That(() => TrustedProxyList.Create(["nope"]), Throws.InstanceOf<FormatException>());
    }
}
