using System.Collections;
using OpenEnergy.Fapi.Headers;

namespace OpenEnergy.Fapi.Http;

/// <summary>The logging scope of a request: every entry it produces carries its <c>x-fapi-interaction-id</c>.</summary>
internal sealed class InteractionScope : IReadOnlyList<KeyValuePair<string, object?>>
{
    private readonly string _interactionId;

    public InteractionScope(string interactionId) => _interactionId = interactionId;

    public int Count => 1;

    public KeyValuePair<string, object?> this[int index]
        => index == 0 ? new(InteractionId.HeaderName, _interactionId) : throw new ArgumentOutOfRangeException(nameof(index));

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        yield return this[0];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => InteractionId.HeaderName + ":" + _interactionId;
}
