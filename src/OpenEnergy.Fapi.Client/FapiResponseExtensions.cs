using System.Net.Http.Headers;
using System.Text.Json;
using OpenEnergy.Fapi.Client.Http;

namespace OpenEnergy.Fapi.Client;

/// <summary>Reading a provider's answer: the interaction id, and refusals as <see cref="FapiRefusalException"/>.</summary>
public static class FapiResponseExtensions
{
    private const int MaxErrorBodyBytes = 16 * 1024;

    /// <summary>
    /// The <c>x-fapi-interaction-id</c> of the exchange: the provider's echo, else the one the client sent.
    /// </summary>
    /// <param name="response">A response from a client built by <c>AddOpenEnergyFapiClient</c>.</param>
    public static string? GetFapiInteractionId(this HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return First(response.Headers, FapiClientHandler.InteractionIdHeader) ?? (response.RequestMessage is { } request ? First(request.Headers, FapiClientHandler.InteractionIdHeader) : null);
    }

    /// <summary>
    /// Returns <paramref name="response"/> when it succeeded; otherwise disposes it and throws a
    /// <see cref="FapiRefusalException"/> with the status, the <c>error</c> and <c>error_description</c> (from the
    /// Bearer challenge, else the JSON body), the interaction id and any <c>Retry-After</c>.
    /// </summary>
    /// <param name="response">The response.</param>
    /// <param name="cancellationToken">Cancels reading the error body.</param>
    /// <exception cref="FapiRefusalException">The response is not a success.</exception>
    public static async Task<HttpResponseMessage> EnsureFapiSuccessAsync(this HttpResponseMessage response, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            FapiChallenge challenge = FapiChallenge.Read(response);
            string? error = challenge.Error;
            string? description = challenge.ErrorDescription;
            if (error is null && response.Content.Headers.ContentType?.MediaType?.EndsWith("json", StringComparison.OrdinalIgnoreCase) == true
                && response.Content.Headers.ContentLength is null or <= MaxErrorBodyBytes)
            {
                (error, description) = await ReadErrorBodyAsync(response.Content, cancellationToken).ConfigureAwait(false);
            }

            TimeSpan? retryAfter = response.Headers.RetryAfter is { } header
                ? header.Delta ?? (header.Date is { } date ? Max(date - DateTimeOffset.UtcNow, TimeSpan.Zero) : null)
                : null;
            throw new FapiRefusalException(response.StatusCode, error, description, response.GetFapiInteractionId(), retryAfter);
        }
    }

    private static async Task<(string? Error, string? Description)> ReadErrorBodyAsync(HttpContent content, CancellationToken cancellationToken)
    {
        using JsonDocument? body = await JsonBody.ReadObjectAsync(content, MaxErrorBodyBytes, cancellationToken).ConfigureAwait(false);
        return (JsonBody.Text(body, "error"), JsonBody.Text(body, "error_description"));
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static string? First(HttpHeaders headers, string name)
        => headers.TryGetValues(name, out IEnumerable<string>? values) ? values.FirstOrDefault() : null;
}
