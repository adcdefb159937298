using System.Net;
using Microsoft.Extensions.Options;
using OpenEnergy.Fapi.Certificates;
using OpenEnergy.Fapi.Configuration;
using OpenEnergy.Fapi.Http;
using OpenEnergy.Fapi.Validation;

namespace OpenEnergy.Fapi.HttpListener;

/// <summary>
/// Guards <see cref="HttpListenerContext"/> requests: sets <c>x-fapi-interaction-id</c> and <c>Date</c>,
/// validates, and on refusal writes the RFC 6750 response and closes it. The client certificate comes from
/// the listener's TLS (where it does TLS, i.e. on Windows) or from a trusted proxy's header (on Linux, where
/// <see cref="System.Net.HttpListener"/> has no TLS). Everything but the translation is the core's
/// <see cref="FapiHttpGate"/>, shared with the ASP.NET Core adapter.
/// </summary>
public sealed class FapiHttpListenerGuard
{
    private readonly FapiHttpGate _gate;

    /// <summary>Creates the guard (usually by dependency injection after <c>AddOpenEnergyFapi</c>).</summary>
    /// <param name="gate">The core's request gate.</param>
    /// <param name="options">The validator options (checked for what this host needs).</param>
    /// <exception cref="InvalidOperationException">Header mode without <c>ClientCertificateVerifyHeader</c>.</exception>
    public FapiHttpListenerGuard(FapiHttpGate gate, IOptions<FapiOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _gate = gate ?? throw new ArgumentNullException(nameof(gate));
        if (HttpListenerOptionsValidator.Problem(options.Value) is { } problem)
        {
            throw new InvalidOperationException(problem);
        }
    }

    /// <summary>
    /// Validates a request. On success the verdict's consumer is yours and the response is still open; on
    /// refusal the response has been written and closed. A client that went away never makes this throw; the
    /// caller's own <paramref name="cancellationToken"/> does (<see cref="OperationCanceledException"/>).
    /// </summary>
    /// <param name="context">The request.</param>
    /// <param name="requiredScopes">The scopes the resource needs (all of them).</param>
    /// <param name="cancellationToken">Stops waiting for a shared introspection (the request then ends with <see cref="OperationCanceledException"/>).</param>
    public ValueTask<FapiVerdict> ValidateAsync(HttpListenerContext context, IReadOnlyList<string>? requiredScopes, CancellationToken cancellationToken)
        => ValidateAsync(context, requiredScopes, null, cancellationToken);

    /// <summary>
    /// Validates a request against the resource's scopes and directory-role requirements (all must hold;
    /// <see langword="null"/> roles means <c>AcceptedRoles</c>). On success the verdict's consumer is yours and the
    /// response is still open; on refusal the response has been written and closed. A client that went away never
    /// makes this throw; the caller's own <paramref name="cancellationToken"/> does.
    /// </summary>
    /// <param name="context">The request.</param>
    /// <param name="requiredScopes">The scopes the resource needs (all of them).</param>
    /// <param name="requiredRoles">The resource's role requirements, replacing <c>AcceptedRoles</c>.</param>
    /// <param name="cancellationToken">Stops waiting for a shared introspection (the request then ends with <see cref="OperationCanceledException"/>).</param>
    public async ValueTask<FapiVerdict> ValidateAsync(HttpListenerContext context, IReadOnlyList<string>? requiredScopes = null, IReadOnlyList<FapiRoleRequirement>? requiredRoles = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var exchange = new HttpListenerExchange(context, cancellationToken);
        string interactionId = _gate.Begin(exchange);
        using IDisposable? scope = _gate.BeginScope(interactionId);
        PresentedCertificate certificate = await _gate.GetCertificateAsync(exchange).ConfigureAwait(false);
        FapiVerdict verdict = await _gate.ValidateAsync(exchange, certificate, interactionId, requiredScopes, requiredRoles, context.Request.Url?.AbsolutePath).ConfigureAwait(false);
        if (!verdict.Succeeded)
        {
            await _gate.WriteRefusalAsync(exchange, verdict.Failure).ConfigureAwait(false);
        }

        return verdict;
    }

    /// <summary>Writes a refusal (status, challenge, no-store headers, JSON body) and closes the response; never throws for a client that went away.</summary>
    /// <param name="context">The request.</param>
    /// <param name="failure">The refusal.</param>
    public Task WriteRefusalAsync(HttpListenerContext context, FapiFailure failure)
    {
        ArgumentNullException.ThrowIfNull(context);
        return _gate.WriteRefusalAsync(new HttpListenerExchange(context, default), failure);
    }
}
