using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenEnergy.Fapi.AspNetCore.Events;
using OpenEnergy.Fapi.AspNetCore.Features;
using OpenEnergy.Fapi.Http;
using OpenEnergy.Fapi.Validation;

namespace OpenEnergy.Fapi.AspNetCore.Http;

/// <summary>
/// The ASP.NET Core side of the core's <see cref="FapiHttpGate"/>, shared by every entry point (middleware,
/// <c>RequireFapi</c>, authentication handler): it keeps the request's state in <see cref="FapiFeature"/>, runs
/// the application's events, and otherwise only translates.
/// </summary>
internal sealed class FapiHttpPipeline
{
    private readonly FapiHttpGate _gate;
    private readonly FapiHttpOptions _options;

    public FapiHttpPipeline(FapiHttpGate gate, IOptions<FapiHttpOptions> options)
    {
        _gate = gate;
        _options = options.Value;
    }

    /// <summary>
    /// The application's pipeline, looked up once when an entry point is built (never per request): the one
    /// <c>AddOpenEnergyFapiHttp</c> registered, or else one made over the application's gate and options. It
    /// holds no state of its own, so every entry point behaves the same whichever registration method was called.
    /// </summary>
    public static FapiHttpPipeline From(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.GetService<FapiHttpPipeline>() is { } registered)
        {
            return registered;
        }

        FapiHttpGate gate = services.GetService<FapiHttpGate>()
            ?? throw new InvalidOperationException("OpenEnergy.Fapi is not registered: call services.AddOpenEnergyFapi(...) at start-up.");
        return new FapiHttpPipeline(gate, services.GetRequiredService<IOptions<FapiHttpOptions>>());
    }

    public FapiHttpGate Gate => _gate;

    /// <summary>The request's FAPI feature, created on first use with the interaction id and <c>Date</c> on the response.</summary>
    public FapiFeature Begin(HttpContext context) => Begin(context, out _);

    /// <inheritdoc cref="Begin(HttpContext)"/>
    /// <param name="context">The request.</param>
    /// <param name="created">Whether this call created the feature (no earlier FAPI component saw the request).</param>
    public FapiFeature Begin(HttpContext context, out bool created)
    {
        if (context.Features.Get<IFapiFeature>() is FapiFeature existing)
        {
            created = false;
            return existing;
        }

        created = true;
        var feature = new FapiFeature(_gate.Begin(new HttpContextExchange(context)));
        context.Features.Set<IFapiFeature>(feature);
        context.Features.Set<IFapiClientCertificateFeature>(feature);
        return feature;
    }

    /// <summary>
    /// Validates the request once per set of requirements; later calls with the same scopes and roles reuse the
    /// verdict. <paramref name="roles"/> null means <c>AcceptedRoles</c>.
    /// </summary>
    public async ValueTask<FapiVerdict> ValidateAsync(HttpContext context, IReadOnlyList<string>? scopes, IReadOnlyList<FapiRoleRequirement>? roles = null, string? resource = null)
    {
        FapiFeature feature = Begin(context);
        if (feature.Verdict is { } known && ReferenceEquals(feature.VerdictScopes, scopes) && ReferenceEquals(feature.VerdictRoles, roles))
        {
            return known;
        }

        var exchange = new HttpContextExchange(context);
        feature.Certificate ??= await _gate.GetCertificateAsync(exchange);
        FapiVerdict verdict = await _gate.ValidateAsync(exchange, feature.Certificate.Value, feature.InteractionId, scopes, roles, resource ?? context.Request.Path.Value);
        // The hooks and the access log run once per request, however many entry points judge it.
        bool first = !feature.Accepted;
        if (verdict.Succeeded && first && _options.Events.HasValidatedHook)
        {
            var validated = new FapiValidatedContext(context, verdict.Consumer);
            await _options.Events.Validated(validated);
            if (validated.Rejected)
            {
                verdict = FapiVerdict.Fail(_gate.PolicyRejected(validated.RejectionDescription));
            }
        }

        if (verdict.Succeeded && first && _options.AccessLog)
        {
            _gate.LogAccess(context.Request.Method, context.Request.Path.Value, verdict.Consumer);
        }

        feature.Accepted |= verdict.Succeeded;
        feature.Verdict = verdict;
        feature.VerdictScopes = scopes;
        feature.VerdictRoles = roles;
        return verdict;
    }

    /// <summary>Runs <c>OnRejected</c>, then writes the refusal (see <see cref="FapiHttpGate.WriteRefusalAsync"/>).</summary>
    public async Task WriteFailureAsync(HttpContext context, FapiFailure failure)
    {
        if (await RejectAsync(context, failure))
        {
            await _gate.WriteRefusalBodyAsync(new HttpContextExchange(context), failure);
        }
    }

    /// <summary>
    /// Runs <c>OnRejected</c> and writes the refusal's status and headers, leaving the body for later: an
    /// authentication handler is one of several schemes ASP.NET Core may challenge in turn, and a body would
    /// start the response under the next one. <see cref="FapiAuthorizationResultHandler"/> writes it at the end.
    /// </summary>
    public async Task<bool> RejectAsync(HttpContext context, FapiFailure failure)
    {
        FapiFeature feature = Begin(context);
        if (_options.Events.HasRejectedHook)
        {
            await _options.Events.Rejected(new FapiRejectedContext(context, failure));
        }

        feature.PendingRefusal = FapiHttpGate.WriteRefusalHeaders(new HttpContextExchange(context), failure) ? failure : null;
        return feature.PendingRefusal is not null;
    }

    /// <summary>Writes the body of a refusal whose headers <see cref="RejectAsync"/> wrote, if the response has not started.</summary>
    public Task CompletePendingRefusalAsync(HttpContext context)
        => context.Features.Get<IFapiFeature>() is FapiFeature { PendingRefusal: { } failure }
            ? _gate.WriteRefusalBodyAsync(new HttpContextExchange(context), failure)
            : Task.CompletedTask;
}
