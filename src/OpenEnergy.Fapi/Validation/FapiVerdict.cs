using System.Diagnostics.CodeAnalysis;

namespace OpenEnergy.Fapi.Validation;

/// <summary>The decision on one request: a value, never an exception. Either a <see cref="Consumer"/> or a <see cref="Failure"/>.</summary>
public readonly struct FapiVerdict
{
    private FapiVerdict(FapiConsumer? consumer, FapiFailure? failure)
    {
        Consumer = consumer;
        Failure = failure;
    }

    /// <summary>Whether the request may be served.</summary>
    [MemberNotNullWhen(true, nameof(Consumer))]
    [MemberNotNullWhen(false, nameof(Failure))]
    public bool Succeeded => Consumer is not null;

    /// <summary>The consumer, when the request may be served.</summary>
    public FapiConsumer? Consumer { get; }

    /// <summary>The refusal, when it may not.</summary>
    public FapiFailure? Failure { get; }

    /// <summary>200 for a success, otherwise the refusal's status.</summary>
    public int StatusCode => Failure?.StatusCode ?? 200;

    /// <summary>An accepted request.</summary>
    /// <param name="consumer">Who made it.</param>
    public static FapiVerdict Success(FapiConsumer consumer) => new(consumer ?? throw new ArgumentNullException(nameof(consumer)), null);

    /// <summary>A refused request.</summary>
    /// <param name="failure">Why.</param>
    public static FapiVerdict Fail(FapiFailure failure) => new(null, failure ?? throw new ArgumentNullException(nameof(failure)));
}
