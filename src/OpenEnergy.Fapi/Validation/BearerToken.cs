namespace OpenEnergy.Fapi.Validation;

/// <summary>The token inside an <c>Authorization</c> value, kept as a slice so that a cache hit never copies it.</summary>
internal readonly struct BearerToken
{
    private readonly string _source;
    private readonly int _start;
    private readonly int _length;

    public BearerToken(string source, int start, int length)
    {
        _source = source;
        _start = start;
        _length = length;
    }

    public ReadOnlySpan<char> Span => _source.AsSpan(_start, _length);

    /// <summary>The token as a string: only for the introspection call.</summary>
    public override string ToString() => _source.Substring(_start, _length);
}
