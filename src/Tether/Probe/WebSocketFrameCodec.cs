using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Tether.Probe;

/// <summary>
/// The client side of RFC 6455 framing (§5.2): parses every frame a server sends, whatever its opcode, and encodes
/// the masked frames a client must send.
/// </summary>
internal static class WebSocketFrameCodec
{
    /// <summary>Frames larger than this are refused: an MQTT packet is at most 256 MiB, and a probe never needs that much.</summary>
    public const long MaximumPayloadLength = 64 * 1024 * 1024;

    /// <summary>Parses one frame from the start of <paramref name="buffer"/>, advancing it past the frame.</summary>
    /// <returns>True with a frame; false when more bytes are needed (buffer unchanged) or on an error (<paramref name="error"/> set).</returns>
    public static bool TryParse(ref ReadOnlySequence<byte> buffer, out WebSocketFrame? frame, out string? error)
    {
        frame = null;
        error = null;
        var reader = new SequenceReader<byte>(buffer);
        if (!reader.TryRead(out var first) || !reader.TryRead(out var second))
        {
            return false;
        }

        var masked = (second & 0x80) != 0;
        long length = second & 0x7F;
        if (length == 126)
        {
            if (!reader.TryReadBigEndian(out short extended))
            {
                return false;
            }

            length = (ushort)extended;
        }
        else if (length == 127)
        {
            if (!reader.TryReadBigEndian(out long extended))
            {
                return false;
            }

            // §5.2: the most significant bit of the 64-bit length must be 0.
            if (extended < 0)
            {
                error = "frame length with the most significant bit set";
                return false;
            }

            length = extended;
        }

        if (length > MaximumPayloadLength)
        {
            error = $"frame of {length} bytes, more than the probe accepts ({MaximumPayloadLength})";
            return false;
        }

        Span<byte> mask = stackalloc byte[4];
        if (masked && !reader.TryCopyTo(mask))
        {
            return false;
        }

        if (masked)
        {
            reader.Advance(4);
        }

        if (reader.Remaining < length)
        {
            return false;
        }

        var payload = reader.UnreadSequence.Slice(0, length).ToArray();
        if (masked)
        {
            ApplyMask(payload, mask);
        }

        reader.Advance(length);
        buffer = reader.UnreadSequence;
        frame = new WebSocketFrame((first & 0x80) != 0, (byte)((first >> 4) & 0x7), (WebSocketOpcode)(first & 0x0F), masked, payload);
        return true;
    }

    /// <summary>Encodes a client frame: masked with a fresh random key, as every client frame must be (RFC 6455 §5.3).</summary>
    public static byte[] Encode(WebSocketOpcode opcode, ReadOnlySpan<byte> payload, bool fin = true)
    {
        var lengthSize = payload.Length switch
        {
            < 126 => 0,
            <= ushort.MaxValue => 2,
            _ => 8,
        };
        var frame = new byte[2 + lengthSize + 4 + payload.Length];
        frame[0] = (byte)((fin ? 0x80 : 0) | (byte)opcode);
        switch (lengthSize)
        {
            case 0:
                frame[1] = (byte)(0x80 | payload.Length);
                break;
            case 2:
                frame[1] = 0x80 | 126;
                BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(2), (ushort)payload.Length);
                break;
            default:
                frame[1] = 0x80 | 127;
                BinaryPrimitives.WriteInt64BigEndian(frame.AsSpan(2), payload.Length);
                break;
        }

        var mask = frame.AsSpan(2 + lengthSize, 4);
        RandomNumberGenerator.Fill(mask);
        var body = frame.AsSpan(2 + lengthSize + 4);
        payload.CopyTo(body);
        ApplyMask(body, mask);
        return frame;
    }

    private static void ApplyMask(Span<byte> data, ReadOnlySpan<byte> mask)
    {
        for (var i = 0; i < data.Length; i++)
        {
            data[i] ^= mask[i & 3];
        }
    }
}
