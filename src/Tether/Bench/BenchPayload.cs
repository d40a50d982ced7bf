using System.Buffers.Binary;

namespace Tether.Bench;

/// <summary>
/// The header every bench message starts with, padded with zeros to the message size: the sequence number within
/// its publisher's stream (8 bytes), the send time in <see cref="System.Diagnostics.Stopwatch"/> ticks (8 bytes;
/// publishers and subscribers run in one process, so they share the clock) and the publisher's index (4 bytes),
/// all little-endian.
/// </summary>
internal static class BenchPayload
{
    /// <summary>Bytes of header, and so the smallest payload size.</summary>
    public const int HeaderSize = 20;

    public static void Write(Span<byte> payload, long sequence, long timestamp, int publisher)
    {
        BinaryPrimitives.WriteInt64LittleEndian(payload, sequence);
        BinaryPrimitives.WriteInt64LittleEndian(payload[8..], timestamp);
        BinaryPrimitives.WriteInt32LittleEndian(payload[16..], publisher);
    }

    /// <summary>Reads the header; false when the payload is too short to be a bench message.</summary>
    public static bool TryRead(ReadOnlySpan<byte> payload, out long sequence, out long timestamp, out int publisher)
    {
        if (payload.Length < HeaderSize)
        {
            sequence = timestamp = publisher = 0;
            return false;
        }

        sequence = BinaryPrimitives.ReadInt64LittleEndian(payload);
        timestamp = BinaryPrimitives.ReadInt64LittleEndian(payload[8..]);
        publisher = BinaryPrimitives.ReadInt32LittleEndian(payload[16..]);
        return true;
    }
}
