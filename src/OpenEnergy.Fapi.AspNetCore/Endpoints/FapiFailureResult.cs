using Microsoft.AspNetCore.Http;
using OpenEnergy.Fapi.AspNetCore.Http;
using OpenEnergy.Fapi.Validation;

namespace OpenEnergy.Fapi.AspNetCore.Endpoints;

/// <summary>An <see cref="IResult"/> that writes a FAPI refusal (status, challenge, headers, JSON body).</summary>
public sealed class FapiFailureResult : IResult, IStatusCodeHttpResult
{
    /// <summary>Creates the result.</summary>
    /// <param name="failure">The refusal.</param>
    public FapiFailureResult(FapiFailure failure) => Failure = failure ?? throw new ArgumentNullException(nameof(failure));

    /// <summary>The refusal.</summary>
    public FapiFailure Failure { get; }

    /// <inheritdoc />
    public int? StatusCode => Failure.StatusCode;

    /// <inheritdoc />
    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        return FapiHttpPipeline.For(httpContext.RequestServices).WriteFailureAsync(httpContext, Failure);
    }
}
