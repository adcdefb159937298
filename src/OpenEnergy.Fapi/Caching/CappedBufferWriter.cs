using System.Buffers;

namespace OpenEnergy.Fapi.Caching;

/// <summary>
/// A buffer that keeps at most a given number of bytes and, past that, only counts: a store value planted to be
/// huge costs a bounded buffer, and is then refused as too long. Never shared: a read abandoned at its timeout
/// may still write into it.
/// </summary>
internal sealed class CappedBufferWriter : IBufferWriter<byte>
{
    private readonly ArrayBufferWriter<byte> _kept;
    private readonly int _cap;
    private byte[]? _overflow;
    private bool _scratchOut;

    public CappedBufferWriter(int cap)
    {
        _cap = cap;
        _kept = new ArrayBufferWriter<byte>(Math.Min(cap, 1024));
    }

    /// <summary>Whether more than the cap was written (the kept bytes are then not the whole value).</summary>
    public bool Overflowed { get; private set; }

    public ReadOnlyMemory<byte> WrittenMemory => _kept.WrittenMemory;

    public void Advance(int count)
    {
        // Bytes written into the scratch buffer are past the cap: the value is too long, whatever follows.
        if (Overflowed || _scratchOut || _kept.WrittenCount + count > _cap)
        {
            Overflowed = true;
            return;
        }

        _kept.Advance(count);
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        _scratchOut = Overflowed || _kept.WrittenCount + Math.Max(sizeHint, 1) > _cap;
        return _scratchOut ? Scratch(sizeHint) : _kept.GetMemory(sizeHint);
    }

    public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

    // Where bytes past the cap go to be dropped.
    private Memory<byte> Scratch(int sizeHint)
    {
        int size = Math.Max(sizeHint, 4096);
        if (_overflow is null || _overflow.Length < size)
        {
            _overflow = new byte[size];
        }

        return _overflow;
    }
}
