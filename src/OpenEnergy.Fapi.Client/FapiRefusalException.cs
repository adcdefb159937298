using System.Net;

namespace OpenEnergy.Fapi.Client;

/// <summary>
/// A provider refused a request (<see cref="FapiResponseExtensions.EnsureFapiSuccessAsync"/>): its status, the
/// OAuth <see cref="Error"/> and <see cref="ErrorDescription"/> from the challenge or the JSON body, and the
/// <c>x-fapi-interaction-id</c> to quote to the provider's support.
/// </summary>
public sealed class FapiRefusalException : HttpRequestException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="statusCode">The response's status.</param>
    /// <param name="error">The <c>error</c> code (<c>invalid_token</c>, <c>insufficient_scope</c>, <c>access_denied</c>, …), if sent.</param>
    /// <param name="errorDescription">The <c>error_description</c>, if sent.</param>
    /// <param name="interactionId">The request's <c>x-fapi-interaction-id</c>.</param>
    /// <param name="retryAfter">The <c>Retry-After</c> delay of a 429 or 503, if sent.</param>
    public FapiRefusalException(HttpStatusCode statusCode, string? error, string? errorDescription, string? interactionId, TimeSpan? retryAfter = null)
        : base(Describe(statusCode, error, errorDescription, interactionId), null, statusCode)
    {
        Error = error;
        ErrorDescription = errorDescription;
        InteractionId = interactionId;
        RetryAfter = retryAfter;
    }

    /// <summary>The OAuth <c>error</c> code.</summary>
    public string? Error { get; }

    /// <summary>The <c>error_description</c>.</summary>
    public string? ErrorDescription { get; }

    /// <summary>The request's <c>x-fapi-interaction-id</c>.</summary>
    public string? InteractionId { get; }

    /// <summary>How long the provider asked to wait (429, 503).</summary>
    public TimeSpan? RetryAfter { get; }

    private static string Describe(HttpStatusCode status, string? error, string? description, string? interactionId)
        => $"The provider refused the request with {(int)status} {Printable(error) ?? status.ToString()}"
            + (description is null ? "" : $": {Printable(description)}")
            + (interactionId is null ? "." : $" (x-fapi-interaction-id {Printable(interactionId)}).");

    // What a server sent goes into a message that may be logged: printable, and not too long.
    private static string? Printable(string? text)
    {
        if (text is null)
        {
            return null;
        }

        string clean = new([.. text.Where(c => !char.IsControl(c))]);
        return clean.Length <= 200 ? clean : clean[..200] + "…";
    }
}
