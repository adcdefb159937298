using System.Runtime.InteropServices;

namespace OpenEnergy.Fapi.Certificates;

/// <summary>
/// A forwarded header value as a memo key. Hashing a whole PEM (1-7 KB) on every request would cost more than
/// the lookup saves, so the hash samples three regions (near the start, where the serial number sits; the
/// middle; the end, where the signature ends) and equality still compares the whole value. Lookups use a
/// per-thread probe, so a memo hit allocates nothing.
/// </summary>
internal sealed class HeaderValueKey : IEquatable<HeaderValueKey>
{
    private const int Window = 32;

    [ThreadStatic]
    private static HeaderValueKey? s_probe;

    private string _value;
    private int _hash;

    public HeaderValueKey(string value)
    {
        _value = value;
        _hash = SampledHash(value);
    }

    /// <summary>The calling thread's lookup key for <paramref name="value"/>. Never store it.</summary>
    public static HeaderValueKey Probe(string value)
    {
        HeaderValueKey probe = s_probe ??= new HeaderValueKey(string.Empty);
        probe._value = value;
        probe._hash = SampledHash(value);
        return probe;
    }

    public bool Equals(HeaderValueKey? other) => other is not null && _hash == other._hash && string.Equals(_value, other._value, StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is HeaderValueKey other && Equals(other);

    public override int GetHashCode() => _hash;

    private static int SampledHash(string value)
    {
        ReadOnlySpan<char> span = value;
        if (span.Length <= 3 * Window)
        {
            return string.GetHashCode(span, StringComparison.Ordinal);
        }

        // Eight characters from each region are enough to tell certificates apart (HashCode is seeded per
        // process, so collisions cannot be prepared); equality settles the rest.
        ReadOnlySpan<ulong> start = MemoryMarshal.Cast<char, ulong>(span.Slice(Math.Min(40, span.Length - Window), Window));
        ReadOnlySpan<ulong> middle = MemoryMarshal.Cast<char, ulong>(span.Slice((span.Length / 2) - (Window / 2), Window));
        ReadOnlySpan<ulong> end = MemoryMarshal.Cast<char, ulong>(span[^Window..]);
        return HashCode.Combine(span.Length, start[0], start[^1], middle[0], middle[^1], end[0], end[^1]);
    }
}
