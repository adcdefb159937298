using System.Net;

namespace OpenEnergy.Fapi.Client;

/// <summary>
/// The consumer could not get an access token: the authorization server could not be reached or did not answer in
/// time (<see cref="HttpRequestException.StatusCode"/> <see langword="null"/>), refused the request (its status,
/// <see cref="Error"/> and <see cref="ErrorDescription"/>), or answered something that is not a token response.
/// </summary>
public sealed class FapiTokenRequestException : HttpRequestException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong, naming the token endpoint.</param>
    /// <param name="statusCode">The token endpoint's status, if it answered.</param>
    /// <param name="error">The OAuth <c>error</c> code, if one was sent.</param>
    /// <param name="errorDescription">The OAuth <c>error_description</c>, if one was sent.</param>
    /// <param name="inner">The underlying fault.</param>
    public FapiTokenRequestException(string message, HttpStatusCode? statusCode = null, string? error = null, string? errorDescription = null, Exception? inner = null)
        : base(message, inner, statusCode)
    {
        Error = error;
        ErrorDescription = errorDescription;
    }

    /// <summary>The OAuth <c>error</c> code the token endpoint sent (<c>invalid_client</c>, <c>invalid_scope</c>, …).</summary>
    public string? Error { get; }

    /// <summary>The token endpoint's <c>error_description</c>.</summary>
    public string? ErrorDescription { get; }
}
