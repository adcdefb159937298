using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace OpenEnergy.Fapi.AspNetCore.Tests.Support;

internal static partial class ResponseAssert
{
    [GeneratedRegex("^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")]
    private static partial Regex Uuid();

    [GeneratedRegex("""^Bearer realm="[^"]+"(, [a-z_]+="[\x20\x21\x23-\x5B\x5D-\x7E]*")*$""")]
    private static partial Regex StrictChallenge();

    /// <summary>Every response: a GMT IMF-fixdate within five minutes, and a UUID interaction id.</summary>
    public static string FapiHeaders(HttpResponseMessage response)
    {
        Assert.That(response.Headers.TryGetValues("Date", out IEnumerable<string>? dates), Is.True, "no Date header");
        string date = dates!.Single();
        Assert.That(date, Does.EndWith(" GMT"));
        DateTimeOffset parsed = DateTimeOffset.ParseExact(date, "r", CultureInfo.InvariantCulture);
        Assert.That((parsed - DateTimeOffset.UtcNow).Duration(), Is.LessThan(TimeSpan.FromMinutes(5)));
        Assert.That(response.Headers.TryGetValues("x-fapi-interaction-id", out IEnumerable<string>? ids), Is.True, "no x-fapi-interaction-id");
        string id = ids!.Single();
        Assert.That(Uuid().IsMatch(id), Is.True, $"not a UUID: {id}");
        return id;
    }

    /// <summary>A refusal: status, strict challenge with the given error, no-store headers, FAPI headers.</summary>
    public static async Task RefusedAsync(HttpResponseMessage response, HttpStatusCode status, string? error, string? scope = null)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(status), body);
        FapiHeaders(response);
        Assert.That(response.Headers.CacheControl?.NoStore, Is.True);
        Assert.That(response.Headers.Pragma.ToString(), Is.EqualTo("no-cache"));
        if (status == HttpStatusCode.ServiceUnavailable)
        {
            Assert.That(response.Headers.RetryAfter, Is.Not.Null);
            return;
        }

        string challenge = response.Headers.WwwAuthenticate.Single().ToString();
        Assert.That(StrictChallenge().IsMatch(challenge), Is.True, challenge);
        if (error is null)
        {
            Assert.That(challenge, Is.EqualTo("Bearer realm=\"open-energy\""));
            Assert.That(body, Is.Empty);
        }
        else
        {
            Assert.That(challenge, Does.Contain($"error=\"{error}\""));
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
            Assert.That(body, Does.Contain($"\"error\":\"{error}\""));
        }

        if (scope is not null)
        {
            Assert.That(challenge, Does.EndWith($"scope=\"{scope}\""));
        }
    }
}
