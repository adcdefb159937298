using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using OpenEnergy.Fapi.Client.Diagnostics;
using OpenEnergy.Fapi.Client.Tokens;
using Polly.Timeout;

namespace OpenEnergy.Fapi.Client.Http;

/// <summary>
/// Puts the FAPI parts on every request to a provider: a fresh <c>x-fapi-interaction-id</c> (also in the logging
/// scope) and the client's bearer token. A 401 <c>invalid_token</c> makes one more attempt with a new token; no
/// other refusal is retried here (transient faults are retried by the resilience handler inside this one).
/// </summary>
internal sealed class FapiClientHandler : DelegatingHandler
{
    /// <summary>The header a FAPI request carries and a FAPI response echoes.</summary>
    public const string InteractionIdHeader = "x-fapi-interaction-id";

    private readonly AccessTokenSource _tokens;
    private readonly ILogger _logger;
    private readonly TimeSpan _timeout;

    public FapiClientHandler(AccessTokenSource tokens, TimeSpan timeout, ILogger logger)
    {
        _tokens = tokens;
        _timeout = timeout;
        _logger = logger;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        string token = await _tokens.GetAsync(rejected: null, cancellationToken).ConfigureAwait(false);
        HttpResponseMessage response = await SendWithAsync(request, token, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Unauthorized && FapiChallenge.Read(response).Error == "invalid_token")
        {
            // The token was revoked or has expired early: one new token, one more try, and no more.
            _logger.TokenRejected(request.Method, request.RequestUri, InteractionIdOf(request));
            response.Dispose();
            token = await _tokens.GetAsync(rejected: token, cancellationToken).ConfigureAwait(false);
            response = await SendWithAsync(request, token, cancellationToken).ConfigureAwait(false);
        }

        if (!response.IsSuccessStatusCode)
        {
            _logger.Refused(request.Method, request.RequestUri, (int)response.StatusCode, InteractionIdOf(request));
        }

        return response;
    }

    private async Task<HttpResponseMessage> SendWithAsync(HttpRequestMessage request, string token, CancellationToken cancellationToken)
    {
        string interactionId = Guid.NewGuid().ToString();
        request.Headers.Remove(InteractionIdHeader);
        request.Headers.TryAddWithoutValidation(InteractionIdHeader, interactionId);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using IDisposable? scope = _logger.BeginScope(new KeyValuePair<string, object?>[] { new("InteractionId", interactionId) });
        _logger.Sending(request.Method, request.RequestUri, interactionId);
        try
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException ex)
        {
            throw new HttpRequestException($"{request.Method} {request.RequestUri} got no answer within {_timeout.TotalSeconds:0.#} s, retries included (x-fapi-interaction-id {interactionId}).", ex);
        }
    }

    private static string InteractionIdOf(HttpRequestMessage request)
        => request.Headers.TryGetValues(InteractionIdHeader, out IEnumerable<string>? values) ? values.First() : "";
}
