using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using OpenEnergy.Fapi.Client.Diagnostics;
using OpenEnergy.Fapi.Client.Tokens;
using Polly.Timeout;

namespace OpenEnergy.Fapi.Client.Http;

/// <summary>
/// Puts the FAPI parts on every request to a provider: a fresh <c>x-fapi-interaction-id</c> (also in the logging
/// scope) and the client's bearer token, over https only. A 401 <c>invalid_token</c> makes one more attempt with a
/// new token when the request can be sent again; no other refusal is retried here (transient faults are retried by
/// the resilience handler inside this one). The whole exchange, token included, is bounded by <c>Timeout</c>.
/// </summary>
internal sealed class FapiClientHandler : DelegatingHandler
{
    /// <summary>The header a FAPI request carries and a FAPI response echoes.</summary>
    public const string InteractionIdHeader = "x-fapi-interaction-id";

    private readonly AccessTokenSource _tokens;
    private readonly ILogger _logger;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;

    public FapiClientHandler(AccessTokenSource tokens, TimeSpan timeout, TimeProvider time, ILogger logger)
    {
        _tokens = tokens;
        _timeout = timeout;
        _time = time;
        _logger = logger;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri is not { IsAbsoluteUri: true } uri || uri.Scheme != Uri.UriSchemeHttps)
        {
            // A bearer token and a client certificate go over TLS only: an http link never gets them.
            throw new HttpRequestException($"OpenEnergy.Fapi client: refusing to send a bearer token to '{request.RequestUri}', which is not an absolute https URL.");
        }

        using var budget = new CancellationTokenSource(_timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, budget.Token);
        try
        {
            return await SendWithinBudgetAsync(request, linked.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (budget.IsCancellationRequested && !cancellationToken.IsCancellationRequested && ex is OperationCanceledException or TimeoutRejectedException)
        {
            throw new HttpRequestException($"{request.Method} {uri} got no answer within {_timeout.TotalSeconds:0.#} s, token and retries included (x-fapi-interaction-id {InteractionIdOf(request)}).", ex);
        }
        catch (TimeoutRejectedException ex)
        {
            throw new HttpRequestException($"{request.Method} {uri} got no answer within {_timeout.TotalSeconds:0.#} s (x-fapi-interaction-id {InteractionIdOf(request)}).", ex);
        }
        finally
        {
            // The caller keeps the request (and response.RequestMessage points at it): the token does not stay in it.
            request.Headers.Authorization = null;
        }
    }

    private async Task<HttpResponseMessage> SendWithinBudgetAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        string token = await _tokens.GetAsync(rejected: null, cancellationToken).ConfigureAwait(false);
        HttpResponseMessage response = await SendWithAsync(request, token, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Unauthorized && FapiChallenge.Read(response).Error == "invalid_token" && CanSendAgain(request.Content))
        {
            // The token was revoked or has expired early: one new token, one more try, and no more. A token refused
            // as soon as it was issued is not replaced (the source keeps it), and the refusal goes to the caller.
            string replacement = await _tokens.GetAsync(rejected: token, cancellationToken).ConfigureAwait(false);
            if (replacement != token)
            {
                _logger.TokenRejected(request.Method, request.RequestUri, InteractionIdOf(request));
                response.Dispose();
                response = await SendWithAsync(request, replacement, cancellationToken).ConfigureAwait(false);
            }
        }

        if (!response.IsSuccessStatusCode)
        {
            _logger.Refused(request.Method, request.RequestUri, (int)response.StatusCode, InteractionIdOf(request));
        }

        return response;
    }

    // A body held in memory can be sent twice; a stream read once cannot, so its 401 goes back to the caller.
    private static bool CanSendAgain(HttpContent? content) => content is null or ByteArrayContent or ReadOnlyMemoryContent;

    private async Task<HttpResponseMessage> SendWithAsync(HttpRequestMessage request, string token, CancellationToken cancellationToken)
    {
        string interactionId = Guid.NewGuid().ToString();
        request.Headers.Remove(InteractionIdHeader);
        request.Headers.TryAddWithoutValidation(InteractionIdHeader, interactionId);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using IDisposable? scope = _logger.BeginScope(new KeyValuePair<string, object?>[] { new("InteractionId", interactionId) });
        _logger.Sending(request.Method, request.RequestUri, interactionId);
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private static string InteractionIdOf(HttpRequestMessage request)
        => request.Headers.TryGetValues(InteractionIdHeader, out IEnumerable<string>? values) ? values.First() : "";
}
