using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenEnergy.Fapi.Configuration;
using OpenEnergy.Fapi.Diagnostics;

namespace OpenEnergy.Fapi.Introspection;

/// <summary>
/// One RFC 7662 call: <c>POST</c> of <c>token</c>, <c>token_type_hint=access_token</c> and <c>client_id</c> over
/// mutual TLS with the provider's transport certificate. Every fault becomes an
/// <see cref="IntrospectionOutcomeKind.Unavailable"/> outcome; nothing is thrown.
/// </summary>
internal sealed class IntrospectionClient
{
    private static readonly MediaTypeWithQualityHeaderValue AcceptJson = new("application/json");

    private readonly IHttpClientFactory _httpClientFactory;
    private readonly AuthorizationServerMetadataProvider _metadata;
    private readonly ILogger _logger;
    private readonly string _clientId;

    public IntrospectionClient(IHttpClientFactory httpClientFactory, AuthorizationServerMetadataProvider metadata, IOptions<FapiOptions> options, ILogger<IntrospectionClient> logger)
    {
        _httpClientFactory = httpClientFactory;
        _metadata = metadata;
        _logger = logger;
        _clientId = options.Value.ClientId!;
    }

    /// <param name="token">The token.</param>
    /// <param name="cancellationToken">The call's own time limit (not a waiting request's abort signal).</param>
    public async Task<IntrospectionOutcome> IntrospectAsync(string token, CancellationToken cancellationToken)
    {
        try
        {
            AuthorizationServerEndpoints endpoints = await _metadata.GetAsync(cancellationToken);
            HttpClient client = _httpClientFactory.CreateClient(FapiDefaults.HttpClientName);
            using var request = new HttpRequestMessage(HttpMethod.Post, endpoints.IntrospectionEndpoint)
            {
                Content = new FormUrlEncodedContent(
                [
                    new("token", token),
                    new("token_type_hint", "access_token"),
                    new("client_id", _clientId),
                ]),
            };
            request.Headers.Accept.Add(AcceptJson);

            using HttpResponseMessage response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                _logger.CredentialsRefused((int)response.StatusCode, endpoints.IntrospectionEndpoint);
                return IntrospectionOutcome.Unavailable($"our credentials were refused (HTTP {(int)response.StatusCode})");
            }

            if (response.StatusCode != HttpStatusCode.OK)
            {
                return IntrospectionOutcome.Unavailable($"HTTP {(int)response.StatusCode}");
            }

            if (!ResponseReader.IsJson(response.Content.Headers.ContentType))
            {
                return IntrospectionOutcome.Unavailable($"the response is '{response.Content.Headers.ContentType?.MediaType ?? "untyped"}', not JSON");
            }

            (byte[] buffer, int length) = await ResponseReader.ReadBoundedAsync(response.Content, cancellationToken);
            try
            {
                IntrospectionOutcome outcome = IntrospectionResponseParser.Parse(buffer.AsSpan(0, length));
                if (outcome.Result is { Active: true } result && endpoints.ExpectedIssuer is { } expected
                    && result.Issuer is { } issuer && !string.Equals(issuer, expected, StringComparison.Ordinal))
                {
                    result.IssuerMismatch = true;
                }

                return outcome;
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
        catch (AuthorizationServerUnavailableException ex)
        {
            return IntrospectionOutcome.Unavailable(ex.Message);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return IntrospectionOutcome.Unavailable("timed out");
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException or InvalidOperationException)
        {
            // Connection refused or reset, TLS failure (wrong certificate or host name), truncated body.
            return IntrospectionOutcome.Unavailable($"{ex.GetType().Name}: {ex.InnerException?.Message ?? ex.Message}");
        }
    }
}
