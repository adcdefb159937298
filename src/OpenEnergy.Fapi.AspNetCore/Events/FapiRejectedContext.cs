using Microsoft.AspNetCore.Http;
using OpenEnergy.Fapi.Validation;

namespace OpenEnergy.Fapi.AspNetCore.Events;

/// <summary>A refused request, before its response is written.</summary>
public sealed class FapiRejectedContext
{
    internal FapiRejectedContext(HttpContext httpContext, FapiFailure failure)
    {
        HttpContext = httpContext;
        Failure = failure;
    }

    /// <summary>The request.</summary>
    public HttpContext HttpContext { get; }

    /// <summary>Why it was refused.</summary>
    public FapiFailure Failure { get; }
}
