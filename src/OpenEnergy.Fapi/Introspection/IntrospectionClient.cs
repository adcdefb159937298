using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenEnergy.Fapi.Configuration;
using OpenEnergy.Fapi.Diagnostics;
using OpenEnergy.Fapi.Jwt;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace OpenEnergy.Fapi.Introspection;

/// <summary>
/// One RFC 7662 call: <c>POST</c> of <c>token</c>, <c>token_type_hint=access_token</c> and <c>client_id</c> over
/// mutual TLS with the provider's transport certificate, asking for plain JSON or, with
/// <c>IntrospectionResponseFormat = Jwt</c>, for a signed answer (RFC 9701) that <see cref="SignedIntrospectionReader"/>
/// opens. Every fault becomes an <see cref="IntrospectionOutcomeKind.Unavailable"/> outcome; nothing is thrown.
/// </summary>
internal sealed class IntrospectionClient
{
    private static readonly MediaTypeWithQualityHeaderValue AcceptJson = new("application/json");
    private static readonly MediaTypeWithQualityHeaderValue AcceptSigned = new(SignedIntrospectionReader.MediaType);

    private readonly IHttpClientFactory _httpClientFactory;
    private readonly AuthorizationServerMetadataProvider _metadata;
    private readonly AuthorizationServerResilience _resilience;
    private readonly ILogger _logger;
    private readonly string _clientId;
    private readonly SignedIntrospectionReader? _signed;

    public IntrospectionClient(IHttpClientFactory httpClientFactory, AuthorizationServerMetadataProvider metadata, AuthorizationServerResilience resilience, IOptions<FapiOptions> options, ILogger<IntrospectionClient> logger, SignedIntrospectionReader signed)
    {
        _signed = options.Value.IntrospectionResponseFormat == IntrospectionResponseFormat.Jwt ? signed : null;
        _resilience = resilience;
        _httpClientFactory = httpClientFactory;
        _metadata = metadata;
        _logger = logger;
        _clientId = options.Value.ClientId!;
    }

    /// <param name="token">The token.</param>
    /// <param name="cancellationToken">The call's own time limit (not a waiting request's abort signal).</param>
    public async Task<IntrospectionOutcome> IntrospectAsync(string token, CancellationToken cancellationToken)
    {
        using Activity? activity = FapiTracing.Source.StartActivity(FapiTracing.Introspection, ActivityKind.Client);
        var attempts = new StrongBox<int>();
        IntrospectionOutcome outcome = await IntrospectUntracedAsync(token, attempts, activity, cancellationToken);
        if (activity is not null)
        {
            activity.SetTag(FapiTracing.AttemptsTag, attempts.Value);
            activity.SetTag(FapiTracing.OutcomeTag, outcome.Kind switch
            {
                IntrospectionOutcomeKind.Answered => outcome.Result!.Active ? "active" : "inactive",
                IntrospectionOutcomeKind.MissingActive => "missing_active",
                _ => outcome.CredentialsRefused ? "credentials_refused" : "unavailable",
            });
            if (outcome.Kind == IntrospectionOutcomeKind.Unavailable)
            {
                activity.SetStatus(ActivityStatusCode.Error, outcome.Reason);
            }
        }

        return outcome;
    }

    private async Task<IntrospectionOutcome> IntrospectUntracedAsync(string token, StrongBox<int> attempts, Activity? activity, CancellationToken cancellationToken)
    {
        try
        {
            AuthorizationServerEndpoints endpoints = await _metadata.GetAsync(cancellationToken);
            if (endpoints.IntrospectionEndpoint is not { } endpoint)
            {
                return IntrospectionOutcome.Unavailable("the discovery document names no introspection_endpoint");
            }

            HttpClient client = _httpClientFactory.CreateClient(FapiDefaults.HttpClientName);
            using HttpResponseMessage response = await _resilience.Introspection.ExecuteAsync(
                static async (call, ct) =>
                {
                    call.Attempts.Value++;
                    // A new request per attempt: a sent request cannot be sent again.
                    using var request = new HttpRequestMessage(HttpMethod.Post, call.Endpoint)
                    {
                        Content = new FormUrlEncodedContent(
                        [
                            new("token", call.Token),
                            new("token_type_hint", "access_token"),
                            new("client_id", call.ClientId),
                        ]),
                    };
                    request.Headers.Accept.Add(call.Accept);
                    return await call.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
                },
                (Client: client, Endpoint: endpoint, Token: token, ClientId: _clientId, Accept: _signed is null ? AcceptJson : AcceptSigned, Attempts: attempts),
                cancellationToken);
            activity?.SetTag(FapiTracing.HttpStatusTag, (int)response.StatusCode);
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                _logger.CredentialsRefused((int)response.StatusCode, endpoint);
                return IntrospectionOutcome.Refused((int)response.StatusCode);
            }

            if (response.StatusCode != HttpStatusCode.OK)
            {
                return IntrospectionOutcome.Unavailable($"HTTP {(int)response.StatusCode}");
            }

            string? mediaType = response.Content.Headers.ContentType?.MediaType;
            if (_signed is not null
                ? !string.Equals(mediaType, SignedIntrospectionReader.MediaType, StringComparison.OrdinalIgnoreCase)
                : !ResponseReader.IsJson(response.Content.Headers.ContentType))
            {
                return IntrospectionOutcome.Unavailable($"the response is '{mediaType ?? "untyped"}', not {(_signed is null ? "JSON" : SignedIntrospectionReader.MediaType)}");
            }

            (byte[] buffer, int length) = await ResponseReader.ReadBoundedAsync(response.Content, cancellationToken);
            try
            {
                IntrospectionOutcome outcome = _signed is null
                    ? IntrospectionResponseParser.Parse(buffer.AsSpan(0, length))
                    : await _signed.ReadAsync(buffer.AsMemory(0, length), endpoints.ExpectedIssuer, cancellationToken);
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
        catch (BrokenCircuitException)
        {
            return IntrospectionOutcome.Unavailable("the circuit breaker is open after repeated faults");
        }
        catch (TimeoutRejectedException)
        {
            return IntrospectionOutcome.Unavailable("every attempt timed out");
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
