using System.Net;
using OpenEnergy.Fapi.SampleProvider.Tests.Support;
using OpenEnergy.Fapi.Tests.Shared;
using static OpenEnergy.Fapi.SampleProvider.Tests.Support.SampleHost;

namespace OpenEnergy.Fapi.SampleProvider.Tests;

/// <summary>The no-token 401 is exactly what the README's "What is refused, and how" shows.</summary>
internal sealed class ReadmeRefusalBodyTests
{
    [Test]
    public async Task NoToken_Gets401_WithAnEmptyBody_AndOnlyTheChallenge_AsTheReadmeShows()
    {
        await using SampleHost host = await SampleHost.StartAsync(Intake.Forwarded);
        using HttpClient client = host.Client(A);

        using HttpResponseMessage response = await client.GetAsync("/example");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(await response.Content.ReadAsByteArrayAsync(), Is.Empty);
        Assert.That(response.Content.Headers.ContentLength, Is.EqualTo(0));
        Assert.That(response.Headers.WwwAuthenticate.ToString(), Is.EqualTo("Bearer realm=\"open-energy\""));
        Assert.That(response.Headers.CacheControl?.NoStore, Is.True);
        Assert.That(response.Headers.Contains("x-fapi-interaction-id"), Is.True);

        string readme = File.ReadAllText(Path.Combine(Repository.Root, "README.md"));
        Assert.That(readme, Does.Contain("HTTP/1.1 401 Unauthorized\nContent-Length: 0\nWWW-Authenticate: Bearer realm=\"open-energy\""));
    }
}
