using Microsoft.AspNetCore.Http;
using OpenEnergy.Fapi.Validation;

namespace OpenEnergy.Fapi.AspNetCore.Events;

/// <summary>An accepted request, offered to provider policy.</summary>
public sealed class FapiValidatedContext
{
    internal FapiValidatedContext(HttpContext httpContext, FapiConsumer consumer)
    {
        HttpContext = httpContext;
        Consumer = consumer;
    }

    /// <summary>The request.</summary>
    public HttpContext HttpContext { get; }

    /// <summary>Who made it.</summary>
    public FapiConsumer Consumer { get; }

    internal string? RejectionDescription { get; private set; }

    internal bool Rejected { get; private set; }

    /// <summary>Refuses the request with 403 <c>access_denied</c>-style policy refusal.</summary>
    /// <param name="description">A generic description for the client (no data about the consumer).</param>
    public void Reject(string description = "refused by provider policy")
    {
        Rejected = true;
        RejectionDescription = description;
    }
}
