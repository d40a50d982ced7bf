using System.Buffers;

namespace Tether.Protocol;

/// <summary>An <see cref="IBufferWriter{T}"/> that only counts, for measuring a packet's encoded size.</summary>
internal sealed class CountingBufferWriter : IBufferWriter<byte>
{
    private byte[] _scratch = new byte[256];

    public int Count { get; private set; }

    public void Advance(int count) => Count += count;

    public Memory<byte> GetMemory(int sizeHint = 0) => Grow(sizeHint);

    public Span<byte> GetSpan(int sizeHint = 0) => Grow(sizeHint).Span;

    private Memory<byte> Grow(int sizeHint)
    {
        if (_scratch.Length < sizeHint)
        {
            _scratch = new byte[sizeHint];
        }

        return _scratch;
    }
}
