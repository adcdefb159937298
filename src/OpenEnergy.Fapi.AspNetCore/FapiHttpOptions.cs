using OpenEnergy.Fapi.AspNetCore.Events;

namespace OpenEnergy.Fapi.AspNetCore;

/// <summary>Settings of the ASP.NET Core adapter (the validator itself is set with <c>FapiOptions</c>).</summary>
public sealed class FapiHttpOptions
{
    /// <summary>Hooks for provider policy: <c>OnValidated</c> (may refuse) and <c>OnRejected</c> (observes).</summary>
    public FapiEvents Events { get; set; } = new();

    /// <summary>
    /// Write one Information entry per accepted request (an access log). Off by default: on a busy provider
    /// a line per request costs about half the throughput; refusals are always logged.
    /// </summary>
    public bool AccessLog { get; set; }
}
