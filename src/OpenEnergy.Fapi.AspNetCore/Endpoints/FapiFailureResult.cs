using Microsoft.AspNetCore.Http;
using OpenEnergy.Fapi.AspNetCore.Http;
using OpenEnergy.Fapi.Validation;

namespace OpenEnergy.Fapi.AspNetCore.Endpoints;

/// <summary>The <see cref="IResult"/> of a refused <c>RequireFapi</c> endpoint: status, challenge, headers, JSON body.</summary>
public sealed class FapiFailureResult : IResult, IStatusCodeHttpResult
{
    private readonly FapiHttpPipeline _pipeline;

    internal FapiFailureResult(FapiFailure failure, FapiHttpPipeline pipeline)
    {
        Failure = failure;
        _pipeline = pipeline;
    }

    /// <summary>The refusal.</summary>
    public FapiFailure Failure { get; }

    /// <inheritdoc />
    public int? StatusCode => Failure.StatusCode;

    /// <inheritdoc />
    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        return _pipeline.WriteFailureAsync(httpContext, Failure);
    }
}
