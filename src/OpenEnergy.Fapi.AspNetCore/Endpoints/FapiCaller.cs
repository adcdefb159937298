using System.Reflection;
using Microsoft.AspNetCore.Http;
using OpenEnergy.Fapi.AspNetCore.Features;
using OpenEnergy.Fapi.Validation;

namespace OpenEnergy.Fapi.AspNetCore.Endpoints;

/// <summary>
/// A minimal-API handler parameter that gives the accepted consumer and the interaction id:
/// <c>app.MapGet("/data", (FapiCaller caller) => …).RequireFapi("scope")</c>. Binding validates the request
/// (once; the <c>RequireFapi</c> filter then reuses the verdict and refuses a failed request before the handler).
/// </summary>
public sealed class FapiCaller
{
    private FapiCaller(FapiVerdict verdict, string interactionId)
    {
        Verdict = verdict;
        InteractionId = interactionId;
    }

    /// <summary>The verdict (always a success inside a handler guarded by <c>RequireFapi</c>).</summary>
    public FapiVerdict Verdict { get; }

    /// <summary>The consumer (null only if the handler is not guarded by <c>RequireFapi</c> and the request failed).</summary>
    public FapiConsumer? Consumer => Verdict.Consumer;

    /// <summary>The <c>x-fapi-interaction-id</c> of the request.</summary>
    public string InteractionId { get; }

    /// <summary>Minimal-API binding: needs <c>RequireFapi</c> on the endpoint, or <c>UseOpenEnergyFapi</c> before it.</summary>
    /// <param name="context">The request.</param>
    /// <param name="parameter">The parameter being bound.</param>
    /// <exception cref="InvalidOperationException">The endpoint is not protected by FAPI validation.</exception>
    public static async ValueTask<FapiCaller?> BindAsync(HttpContext context, ParameterInfo parameter)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.GetEndpoint()?.Metadata.GetMetadata<FapiRequirementMetadata>() is { Pipeline: { } pipeline } requirement)
        {
            Endpoint? endpoint = context.GetEndpoint();
            FapiVerdict verdict = await pipeline.ValidateAsync(context, requirement.Scopes, FapiRoleRequirementMetadata.Of(endpoint), endpoint?.DisplayName);
            return new FapiCaller(verdict, pipeline.Begin(context).InteractionId);
        }

        if (context.Features.Get<IFapiFeature>() is { Verdict: { } earlier } feature)
        {
            return new FapiCaller(earlier, feature.InteractionId);
        }

        throw new InvalidOperationException("A FapiCaller parameter needs FAPI validation: add .RequireFapi(...) to the endpoint, or app.UseOpenEnergyFapi(...) before it.");
    }
}
