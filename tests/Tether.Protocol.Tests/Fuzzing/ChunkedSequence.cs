using System.Buffers;

namespace Tether.Protocol.Fuzzing;

/// <summary>
/// Builds a multi-segment <see cref="ReadOnlySequence{T}"/> like the ones a pipe hands a connection. Each
/// segment lives in its own array with guard bytes around it, so code that reads past a segment or assumes the
/// segments are contiguous in memory sees garbage instead of the right bytes by luck.
/// </summary>
public static class ChunkedSequence
{
    private const byte Guard = 0xEE;

    /// <summary>Splits <paramref name="data"/> before each position in <paramref name="cuts"/> (clamped, sorted; repeats give empty segments).</summary>
    public static ReadOnlySequence<byte> Create(ReadOnlySpan<byte> data, IEnumerable<int> cuts)
    {
        ArgumentNullException.ThrowIfNull(cuts);
        var positions = new List<int>();
        foreach (var cut in cuts)
        {
            positions.Add(Math.Clamp(cut, 0, data.Length));
        }

        positions.Sort();
        positions.Add(data.Length);
        Segment? first = null;
        Segment? last = null;
        var start = 0;
        foreach (var end in positions)
        {
            var segment = new Segment(data[start..end], last);
            first ??= segment;
            last = segment;
            start = end;
        }

        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlySpan<byte> bytes, Segment? previous)
        {
            var array = new byte[bytes.Length + 2];
            array.AsSpan().Fill(Guard);
            bytes.CopyTo(array.AsSpan(1));
            Memory = array.AsMemory(1, bytes.Length);
            if (previous is not null)
            {
                RunningIndex = previous.RunningIndex + previous.Memory.Length;
                previous.Next = this;
            }
        }
    }
}
