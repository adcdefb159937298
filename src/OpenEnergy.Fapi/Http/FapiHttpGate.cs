using System.ComponentModel;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using OpenEnergy.Fapi.Certificates;
using OpenEnergy.Fapi.Configuration;
using OpenEnergy.Fapi.Diagnostics;
using OpenEnergy.Fapi.Headers;
using OpenEnergy.Fapi.Validation;

namespace OpenEnergy.Fapi.Http;

/// <summary>
/// What every host adapter shares, written once and host-neutral: the FAPI response headers, the certificate
/// intake order, looking for a token in the query or body, calling the validator, scope and policy refusals,
/// and writing a refusal (status, challenge, <c>Retry-After</c>, no-store, JSON body). An adapter wraps its
/// request in an <see cref="IFapiHttpExchange"/> and calls these steps.
/// </summary>
public sealed class FapiHttpGate
{
    /// <summary>The longest part of a rejected interaction id that is logged.</summary>
    public const int LoggedInteractionIdLength = 64;

    private readonly IFapiValidator _validator;
    private readonly ClientCertificateIntake _intake;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly StringComparison _scopeComparison;

    /// <summary>Creates the gate (by dependency injection).</summary>
    /// <param name="validator">The validator.</param>
    /// <param name="intake">Decides which client certificate a request presented.</param>
    /// <param name="failures">The refusals.</param>
    /// <param name="options">The validator options.</param>
    /// <param name="time">The clock, for <c>Date</c>.</param>
    /// <param name="logger">The logger.</param>
    public FapiHttpGate(IFapiValidator validator, ClientCertificateIntake intake, FapiFailures failures, IOptions<FapiOptions> options, TimeProvider time, ILogger<FapiHttpGate> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _validator = validator ?? throw new ArgumentNullException(nameof(validator));
        _intake = intake ?? throw new ArgumentNullException(nameof(intake));
        Failures = failures ?? throw new ArgumentNullException(nameof(failures));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _scopeComparison = options.Value.CaseInsensitiveScopes ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
    }

    /// <summary>Every refusal, with the configured realm.</summary>
    public FapiFailures Failures { get; }

    /// <summary>
    /// Opens the request's logging scope: every entry the library (and the application, on the same logging
    /// provider) writes inside it carries the <c>x-fapi-interaction-id</c>.
    /// </summary>
    /// <param name="interactionId">The request's interaction id, from <see cref="Begin"/>.</param>
    public IDisposable? BeginScope(string interactionId) => _logger.BeginScope(new InteractionScope(interactionId));

    /// <summary>
    /// Starts a request: resolves its <c>x-fapi-interaction-id</c> (the request's UUID, or a fresh one, logging a
    /// replaced value cut to <see cref="LoggedInteractionIdLength"/> characters) and puts it and <c>Date</c> on
    /// the response.
    /// </summary>
    /// <param name="exchange">The request.</param>
    /// <returns>The interaction id.</returns>
    public string Begin<TExchange>(TExchange exchange)
        where TExchange : IFapiHttpExchange
    {
        ArgumentNullException.ThrowIfNull(exchange);
        StringValues sent = exchange.GetRequestHeader(InteractionId.HeaderName);
        string id = InteractionId.Resolve(sent.Count == 1 ? sent[0] : null, out bool replaced);
        if ((replaced || sent.Count > 1) && _logger.IsEnabled(LogLevel.Information))
        {
            string all = sent.ToString();
            _logger.InteractionIdReplaced(all.Length > LoggedInteractionIdLength ? all[..LoggedInteractionIdLength] : all, all.Length, sent.Count, id);
        }

        exchange.SetResponseHeader(InteractionId.HeaderName, id);
        if (!exchange.HasResponseHeader("Date"))
        {
            exchange.SetResponseHeader("Date", HttpDate.Format(_time.GetUtcNow()));
        }

        return id;
    }

    /// <summary>The client certificate the request presented (see <see cref="ClientCertificateIntake"/>).</summary>
    /// <param name="exchange">The request.</param>
    public async ValueTask<PresentedCertificate> GetCertificateAsync<TExchange>(TExchange exchange)
        where TExchange : IFapiHttpExchange
    {
        ArgumentNullException.ThrowIfNull(exchange);
        var connection = await exchange.GetConnectionCertificateAsync(exchange.RequestAborted).ConfigureAwait(false);
        StringValues header = _intake.HeaderName is { } name ? exchange.GetRequestHeader(name) : default;
        StringValues verify = _intake.VerifyHeaderName is { } verifyName && header.Count > 0 ? exchange.GetRequestHeader(verifyName) : default;
        return _intake.Resolve(connection, header, verify, exchange.RemoteAddress, exchange.IsUnixSocket);
    }

    /// <summary>
    /// Validates the request: token, certificate binding, time, issuer and <paramref name="scopes"/>. A success
    /// marks the response <c>Cache-Control: no-store</c>; a refusal is returned, not written.
    /// </summary>
    /// <param name="exchange">The request.</param>
    /// <param name="certificate">Its certificate, from <see cref="GetCertificateAsync"/>.</param>
    /// <param name="interactionId">Its interaction id, from <see cref="Begin"/>.</param>
    /// <param name="scopes">The scopes needed (all of them), or <see langword="null"/>.</param>
    /// <param name="roles">The resource's directory-role requirements (all must hold), or <see langword="null"/> for <c>AcceptedRoles</c>.</param>
    /// <param name="resource">The resource, for log entries.</param>
    public async ValueTask<FapiVerdict> ValidateAsync<TExchange>(TExchange exchange, PresentedCertificate certificate, string interactionId, IReadOnlyList<string>? scopes, IReadOnlyList<FapiRoleRequirement>? roles = null, string? resource = null)
        where TExchange : IFapiHttpExchange
    {
        ArgumentNullException.ThrowIfNull(exchange);
        StringValues authorization = exchange.GetRequestHeader("Authorization");
        var request = new FapiRequest
        {
            Authorization = authorization,
            AccessTokenInQueryOrBody = await AccessTokenParameter.IsPresentAsync(exchange, authorization).ConfigureAwait(false),
            ClientCertificate = certificate.Thumbprint,
            ClientCertificateDetails = certificate.Details,
            RequiredScopes = scopes is { Count: > 0 } ? scopes : null,
            RequiredRoles = roles,
            Resource = resource,
            InteractionId = interactionId,
        };

        FapiVerdict verdict = await _validator.ValidateAsync(request, exchange.RequestAborted).ConfigureAwait(false);
        if (verdict.Succeeded)
        {
            // Protected responses must not be stored by caches on the way.
            exchange.SetResponseHeader("Cache-Control", "no-store");
        }

        return verdict;
    }

    /// <summary>The 403 <c>insufficient_scope</c> refusal when <paramref name="consumer"/> lacks one of <paramref name="scopes"/>, else <see langword="null"/>.</summary>
    /// <param name="consumer">An accepted consumer.</param>
    /// <param name="scopes">The scopes needed (all of them).</param>
    public FapiFailure? CheckScopes(FapiConsumer consumer, IReadOnlyList<string> scopes)
    {
        ArgumentNullException.ThrowIfNull(consumer);
        ArgumentNullException.ThrowIfNull(scopes);
        return ScopeMatcher.ContainsAll(consumer.Scopes, scopes, _scopeComparison) ? null : Failures.InsufficientScope(scopes);
    }

    /// <summary>The 403 <c>access_denied</c> refusal of the provider's own policy, logged.</summary>
    /// <param name="description">A generic description for the client.</param>
    public FapiFailure PolicyRejected(string? description)
    {
        _logger.PolicyRejected(description);
        return Failures.AccessDenied(description);
    }

    /// <summary>Writes one access-log entry for an accepted request.</summary>
    /// <param name="method">The request method.</param>
    /// <param name="path">The request path.</param>
    /// <param name="consumer">Who made it.</param>
    public void LogAccess(string method, string? path, FapiConsumer consumer)
    {
        ArgumentNullException.ThrowIfNull(consumer);
        _logger.AccessGranted(method, path, consumer.ClientId, consumer.OrganisationId);
    }

    /// <summary>
    /// Writes a refusal: status, <c>WWW-Authenticate</c>, <c>Retry-After</c>, <c>Cache-Control: no-store</c>,
    /// <c>Pragma: no-cache</c> and the JSON body. Nothing is written once the response has started, and a client
    /// that went away is not an error: this never throws for it.
    /// </summary>
    /// <param name="exchange">The request.</param>
    /// <param name="failure">The refusal.</param>
    public async Task WriteRefusalAsync<TExchange>(TExchange exchange, FapiFailure failure)
        where TExchange : IFapiHttpExchange
    {
        if (WriteRefusalHeaders(exchange, failure))
        {
            await WriteRefusalBodyAsync(exchange, failure).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The first half of <see cref="WriteRefusalAsync"/>: status and headers only, the challenge added beside any
    /// other scheme's, so that other handlers may still add theirs (ASP.NET Core challenges every scheme of a
    /// policy in turn). Returns <see langword="false"/> when the response had already started.
    /// </summary>
    /// <param name="exchange">The request.</param>
    /// <param name="failure">The refusal.</param>
    public static bool WriteRefusalHeaders<TExchange>(TExchange exchange, FapiFailure failure)
        where TExchange : IFapiHttpExchange
    {
        ArgumentNullException.ThrowIfNull(exchange);
        ArgumentNullException.ThrowIfNull(failure);
        if (exchange.HasResponseStarted)
        {
            return false;
        }

        exchange.SetStatusCode(failure.StatusCode);
        exchange.SetResponseHeader("Cache-Control", "no-store");
        exchange.SetResponseHeader("Pragma", "no-cache");
        if (failure.WwwAuthenticate is { } challenge)
        {
            exchange.AppendResponseHeader("WWW-Authenticate", challenge);
        }

        if (failure.RetryAfterHeaderValue is { } retryAfter)
        {
            exchange.SetResponseHeader("Retry-After", retryAfter);
        }

        return true;
    }

    /// <summary>The second half of <see cref="WriteRefusalAsync"/>: the JSON body, when the response has not started.</summary>
    /// <param name="exchange">The request.</param>
    /// <param name="failure">The refusal.</param>
    public async Task WriteRefusalBodyAsync<TExchange>(TExchange exchange, FapiFailure failure)
        where TExchange : IFapiHttpExchange
    {
        ArgumentNullException.ThrowIfNull(exchange);
        ArgumentNullException.ThrowIfNull(failure);
        if (exchange.HasResponseStarted)
        {
            return;
        }

        try
        {
            ReadOnlyMemory<byte> body = failure.JsonBodyUtf8;
            await exchange.CompleteResponseAsync(body, body.IsEmpty ? null : "application/json", exchange.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsClientGone(ex, exchange.RequestAborted))
        {
            _logger.ClientGone(failure.StatusCode);
        }
    }

    // Broken pipes and resets surface as IOException (Kestrel), Win32Exception (HttpListenerException) or
    // ObjectDisposedException (a response closed under us); a cancelled write as OperationCanceledException.
    private static bool IsClientGone(Exception ex, CancellationToken aborted)
        => ex is IOException or Win32Exception or ObjectDisposedException
            || (ex is OperationCanceledException && aborted.IsCancellationRequested);
}
