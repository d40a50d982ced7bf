using System.Buffers;

namespace Tether.Protocol.Tests.Support;

/// <summary>
/// Builds multi-segment <see cref="ReadOnlySequence{T}"/> values the way a pipe hands them out, so the parser's
/// cross-segment paths (fixed header, PUBLISH header copy, payload slices) run in unit tests.
/// </summary>
public static class SegmentedSequence
{
    /// <summary>A sequence with one segment per chunk; each chunk is copied into its own array.</summary>
    public static ReadOnlySequence<byte> Create(params byte[][] chunks)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        if (chunks.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var first = new Segment(chunks[0].ToArray(), 0);
        var last = first;
        for (var i = 1; i < chunks.Length; i++)
        {
            last = last.Append(chunks[i].ToArray());
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary>Two segments, split before index <paramref name="at"/>.</summary>
    public static ReadOnlySequence<byte> SplitAt(byte[] bytes, int at) => Create(bytes[..at], bytes[at..]);

    /// <summary>One segment per byte.</summary>
    public static ReadOnlySequence<byte> OneBytePerSegment(byte[] bytes)
    {
        var chunks = new byte[bytes.Length][];
        for (var i = 0; i < bytes.Length; i++)
        {
            chunks[i] = [bytes[i]];
        }

        return Create(chunks);
    }

    /// <summary>One segment per byte with an empty segment before each, as a pipe may produce after a zero-length read.</summary>
    public static ReadOnlySequence<byte> WithEmptySegments(byte[] bytes)
    {
        var chunks = new byte[(bytes.Length * 2) + 1][];
        for (var i = 0; i < bytes.Length; i++)
        {
            chunks[2 * i] = [];
            chunks[(2 * i) + 1] = [bytes[i]];
        }

        chunks[^1] = [];
        return Create(chunks);
    }

    /// <summary>Every segmentation the round-trip tests use: a two-way split at each interior boundary, one byte per segment, and empty segments.</summary>
    public static IEnumerable<(string Name, ReadOnlySequence<byte> Sequence)> All(byte[] bytes)
    {
        for (var at = 1; at < bytes.Length; at++)
        {
            yield return ($"split at {at}", SplitAt(bytes, at));
        }

        yield return ("one byte per segment", OneBytePerSegment(bytes));
        yield return ("empty segments between bytes", WithEmptySegments(bytes));
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
