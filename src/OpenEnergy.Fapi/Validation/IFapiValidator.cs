namespace OpenEnergy.Fapi.Validation;

/// <summary>Decides whether one request may be served: token, certificate binding, time, issuer and scope.</summary>
public interface IFapiValidator
{
    /// <summary>
    /// Validates a request. Never throws for bad input or an authorization-server fault: those are refusals.
    /// Only the cancellation of <paramref name="cancellationToken"/> (the caller gave up) ends it with an
    /// <see cref="OperationCanceledException"/>; a shared introspection goes on for the other callers.
    /// </summary>
    /// <param name="request">What the adapter took from the request.</param>
    /// <param name="cancellationToken">The request's abort signal.</param>
    ValueTask<FapiVerdict> ValidateAsync(FapiRequest request, CancellationToken cancellationToken = default);
}
