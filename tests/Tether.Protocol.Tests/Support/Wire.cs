using System.Buffers;

namespace Tether.Protocol.Tests.Support;

/// <summary>Small write/read helpers so tests state what they check rather than how buffers are plumbed.</summary>
public static class Wire
{
    public static byte[] Write(MqttPacket packet, ProtocolVersion version)
    {
        var output = new ArrayBufferWriter<byte>();
        var written = MqttPacketWriter.Write(output, packet, version);
        Assert.Equal(output.WrittenCount, written);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Reads one packet that must parse; the failure message carries the parser's error.</summary>
    public static MqttPacket ReadPacket(MqttPacketReader reader, ref ReadOnlySequence<byte> buffer)
    {
        var status = reader.TryRead(ref buffer, out var packet, out var error);
        Assert.True(status == ReadStatus.Packet, $"expected a packet, got {status} ({error})");
        Assert.NotNull(packet);
        return packet;
    }

    /// <summary>Parses bytes that hold exactly one packet.</summary>
    public static MqttPacket ReadSingle(byte[] bytes, ProtocolVersion version)
    {
        var reader = new MqttPacketReader(version);
        var buffer = new ReadOnlySequence<byte>(bytes);
        var packet = ReadPacket(reader, ref buffer);
        Assert.True(buffer.IsEmpty, $"{buffer.Length} bytes left after the packet");
        return packet;
    }

    /// <summary>Reads input that must be rejected, asserting the reader neither throws nor moves the buffer.</summary>
    public static ProtocolError ReadError(MqttPacketReader reader, ReadOnlySequence<byte> input)
    {
        var buffer = input;
        var status = ReadStatus.Packet;
        MqttPacket? packet = null;
        ProtocolError error = default;
        var thrown = Record.Exception(() => status = reader.TryRead(ref buffer, out packet, out error));
        Assert.Null(thrown);
        Assert.True(status == ReadStatus.Error, $"expected an error, got {status} ({PacketDump.Describe(packet)})");
        Assert.Null(packet);
        Assert.Equal(input.Length, buffer.Length);
        Assert.False(string.IsNullOrEmpty(error.Message));
        return error;
    }
}
