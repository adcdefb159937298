using System.Runtime.InteropServices;
using System.Text.Json;

namespace OpenEnergy.Fapi.Introspection;

/// <summary>
/// One copy of a member value that repeats across a consumer's tokens (client id, organisation, roles, scope,
/// issuer, metadata), so that a cache of many answers keeps each such value once instead of once per token: the
/// strings and metadata were most of a cached answer's size. Direct-mapped, bounded and lossy: a slot holds the
/// last value whose raw JSON hashed to it; a value that does not match its slot is made anew and takes the slot.
/// Values are compared by their raw JSON bytes in full, never by hash alone, and each pool makes its values with one
/// function of those bytes alone, so a shared value is exactly the one the answer's own bytes would have made. The
/// values are immutable: sharing one changes nothing a caller can see.
/// </summary>
/// <typeparam name="T">The value made from a JSON member: a string, a read-only list or an element.</typeparam>
internal sealed class IntrospectionValuePool<T>
    where T : notnull
{
    /// <summary>Longer values are made anew each time: the pool's own size stays small and bounded.</summary>
    private const int MaxRawBytes = 1024;

    private readonly Slot?[] _slots;
    private readonly Func<JsonElement, T> _create;

    /// <param name="slots">The number of slots, a power of two.</param>
    /// <param name="create">Makes a value from a member; it must depend on the member's raw JSON alone.</param>
    public IntrospectionValuePool(int slots, Func<JsonElement, T> create)
    {
        if (slots <= 0 || (slots & (slots - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(slots), slots, "The number of slots must be a power of two.");
        }

        _slots = new Slot?[slots];
        _create = create;
    }

    /// <summary>The shared value for <paramref name="element"/>'s raw JSON, made when there is none.</summary>
    public T GetOrAdd(JsonElement element)
    {
        ReadOnlySpan<byte> raw = JsonMarshal.GetRawUtf8Value(element);
        if (raw.Length > MaxRawBytes)
        {
            return _create(element);
        }

        // HashCode is seeded per process: which values share a slot cannot be arranged from outside.
        var hash = new HashCode();
        hash.AddBytes(raw);
        ref Slot? slot = ref _slots[hash.ToHashCode() & (_slots.Length - 1)];
        Slot? current = Volatile.Read(ref slot);
        if (current is not null && raw.SequenceEqual(current.Raw))
        {
            return current.Value;
        }

        T value = _create(element);
        Volatile.Write(ref slot, new Slot(raw.ToArray(), value));
        return value;
    }

    private sealed record Slot(byte[] Raw, T Value);
}
