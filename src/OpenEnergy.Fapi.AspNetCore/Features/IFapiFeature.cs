using OpenEnergy.Fapi.Validation;

namespace OpenEnergy.Fapi.AspNetCore.Features;

/// <summary>The FAPI state of one request, on <c>HttpContext.Features</c>.</summary>
public interface IFapiFeature
{
    /// <summary>The <c>x-fapi-interaction-id</c> sent back (the request's UUID, or a fresh one).</summary>
    string InteractionId { get; }

    /// <summary>The verdict, once the request has been validated.</summary>
    FapiVerdict? Verdict { get; }

    /// <summary>The consumer, when the request was accepted.</summary>
    FapiConsumer? Consumer { get; }
}
