using OpenEnergy.Fapi.Validation;

namespace OpenEnergy.Fapi.Tests.Support;

/// <summary>Assertions on a refusal: status, error code, reason, and a well-formed challenge.</summary>
internal static class VerdictAssert
{
    public static void Rejected(FapiVerdict verdict, int status, string? error, FapiFailureReason reason)
    {
        Assert.That(verdict.Succeeded, Is.False, "the request was accepted");
        Assert.That(verdict.Failure!.Reason, Is.EqualTo(reason));
        Assert.That(verdict.Failure.StatusCode, Is.EqualTo(status));
        Assert.That(verdict.Failure.Error, Is.EqualTo(error));
        if (status == 503)
        {
            Assert.That(verdict.Failure.RetryAfter, Is.Not.Null, "a 503 without Retry-After");
            return;
        }

        (string scheme, IReadOnlyDictionary<string, string> parameters) = ChallengeParser.Parse(verdict.Failure.WwwAuthenticate);
        Assert.That(scheme, Is.EqualTo("Bearer"));
        Assert.That(parameters.GetValueOrDefault("error"), Is.EqualTo(error));
    }

    public static void InvalidToken(FapiVerdict verdict, FapiFailureReason reason) => Rejected(verdict, 401, "invalid_token", reason);
}
