namespace OpenEnergy.Fapi.AspNetCore.Events;

/// <summary>
/// Hooks around validation, in the ASP.NET Core style: set the delegates inline, or derive and override.
/// </summary>
public class FapiEvents
{
    private static readonly Func<FapiValidatedContext, Task> NoValidated = static _ => Task.CompletedTask;
    private static readonly Func<FapiRejectedContext, Task> NoRejected = static _ => Task.CompletedTask;

    /// <summary>Runs after a request passed every check; may refuse it with <see cref="FapiValidatedContext.Reject"/>.</summary>
    public Func<FapiValidatedContext, Task> OnValidated { get; set; } = NoValidated;

    /// <summary>Runs after a request was refused, before the response is written.</summary>
    public Func<FapiRejectedContext, Task> OnRejected { get; set; } = NoRejected;

    internal bool HasValidatedHook => GetType() != typeof(FapiEvents) || !ReferenceEquals(OnValidated, NoValidated);

    internal bool HasRejectedHook => GetType() != typeof(FapiEvents) || !ReferenceEquals(OnRejected, NoRejected);

    /// <summary>Invokes <see cref="OnValidated"/>.</summary>
    /// <param name="context">The accepted request.</param>
    public virtual Task Validated(FapiValidatedContext context) => OnValidated(context);

    /// <summary>Invokes <see cref="OnRejected"/>.</summary>
    /// <param name="context">The refused request.</param>
    public virtual Task Rejected(FapiRejectedContext context) => OnRejected(context);
}
