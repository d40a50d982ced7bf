using System.Buffers;

namespace Tether.Protocol;

/// <summary>The variable byte integer of §1.5.5 (2.2.3 in 3.1.1): 7 bits per byte, at most four bytes.</summary>
public static class VariableByteInteger
{
    /// <summary>Largest encodable value, 268,435,455 (0xFF,0xFF,0xFF,0x7F).</summary>
    public const int MaxValue = 268_435_455;

    /// <summary>Number of bytes the encoding of <paramref name="value"/> takes.</summary>
    public static int GetSize(int value) => value switch
    {
        < 128 => 1,
        < 16_384 => 2,
        < 2_097_152 => 3,
        _ => 4,
    };

    /// <summary>Writes <paramref name="value"/> and returns the number of bytes written.</summary>
    public static int Write(Span<byte> destination, int value)
    {
        var index = 0;
        do
        {
            var digit = (byte)(value & 0x7F);
            value >>= 7;
            if (value > 0)
            {
                digit |= 0x80;
            }

            destination[index++] = digit;
        }
        while (value > 0);
        return index;
    }

    /// <summary>
    /// Reads from a span. Returns the bytes consumed, 0 if the span ends before the integer does, or -1 if a
    /// fifth byte would be needed (malformed).
    /// </summary>
    public static int TryRead(ReadOnlySpan<byte> source, out int value)
    {
        value = 0;
        var multiplier = 0;
        for (var i = 0; i < 4; i++)
        {
            if (i >= source.Length)
            {
                return 0;
            }

            var digit = source[i];
            value |= (digit & 0x7F) << multiplier;
            if ((digit & 0x80) == 0)
            {
                return i + 1;
            }

            multiplier += 7;
        }

        return -1;
    }

    /// <summary>As <see cref="TryRead(ReadOnlySpan{byte}, out int)"/>, from a sequence that may span segments.</summary>
    public static int TryRead(ref SequenceReader<byte> reader, out int value)
    {
        value = 0;
        var multiplier = 0;
        for (var i = 0; i < 4; i++)
        {
            if (!reader.TryRead(out var digit))
            {
                return 0;
            }

            value |= (digit & 0x7F) << multiplier;
            if ((digit & 0x80) == 0)
            {
                return i + 1;
            }

            multiplier += 7;
        }

        return -1;
    }
}
