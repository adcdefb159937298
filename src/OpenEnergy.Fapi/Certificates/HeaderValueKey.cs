namespace OpenEnergy.Fapi.Certificates;

/// <summary>
/// A forwarded header value as a memo key: hashed whole with the runtime's per-process randomized string hash,
/// so values cannot be crafted to collide, and compared whole.
/// </summary>
internal sealed class HeaderValueKey : IEquatable<HeaderValueKey>
{
    private readonly string _value;
    private readonly int _hash;

    public HeaderValueKey(string value)
    {
        _value = value;
        _hash = string.GetHashCode(value, StringComparison.Ordinal);
    }

    public bool Equals(HeaderValueKey? other) => other is not null && _hash == other._hash && string.Equals(_value, other._value, StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is HeaderValueKey other && Equals(other);

    public override int GetHashCode() => _hash;
}
