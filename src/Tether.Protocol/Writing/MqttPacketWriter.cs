using System.Buffers;

namespace Tether.Protocol;

/// <summary>
/// Encodes packets into an <see cref="IBufferWriter{T}"/>. Sizes are computed first so each packet's header
/// is written into one span; payloads are copied straight from their source. Nothing is allocated here.
/// </summary>
public static partial class MqttPacketWriter
{
    /// <summary>Writes <paramref name="packet"/> encoded for <paramref name="version"/>; returns the bytes written.</summary>
    public static int Write(IBufferWriter<byte> output, MqttPacket packet, ProtocolVersion version)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(packet);
        return packet switch
        {
            PublishPacket publish => WritePublish(output, publish, version),
            AckPacket ack => WriteAck(output, ack, version),
            ConnectPacket connect => WriteConnect(output, connect),
            ConnAckPacket connAck => WriteConnAck(output, connAck, version),
            SubscribePacket subscribe => WriteSubscribe(output, subscribe, version),
            SubAckPacket subAck => WriteSubAck(output, subAck, version),
            UnsubscribePacket unsubscribe => WriteUnsubscribe(output, unsubscribe, version),
            UnsubAckPacket unsubAck => WriteUnsubAck(output, unsubAck, version),
            PingReqPacket => WriteEmpty(output, PacketType.PingReq),
            PingRespPacket => WriteEmpty(output, PacketType.PingResp),
            DisconnectPacket disconnect => WriteDisconnect(output, disconnect, version),
            AuthPacket auth => WriteAuth(output, auth, version),
            _ => throw new ArgumentException($"Unknown packet type {packet.GetType()}.", nameof(packet)),
        };
    }

    /// <summary>The encoded size of <paramref name="packet"/>, fixed header included.</summary>
    public static int GetSize(MqttPacket packet, ProtocolVersion version)
    {
        var counter = new CountingBufferWriter();
        return Write(counter, packet, version);
    }

    /// <summary>Writes a packet with no variable header or payload (PINGREQ, PINGRESP).</summary>
    private static int WriteEmpty(IBufferWriter<byte> output, PacketType type)
    {
        var span = output.GetSpan(2);
        span[0] = (byte)((int)type << 4);
        span[1] = 0;
        output.Advance(2);
        return 2;
    }

    /// <summary>
    /// Reserves the fixed header plus <paramref name="headerBodyLength"/> bytes and returns a writer positioned
    /// after the fixed header. The caller writes exactly <paramref name="headerBodyLength"/> bytes, then calls
    /// <see cref="IBufferWriter{T}.Advance"/> with the returned total.
    /// </summary>
    private static SpanWriter Begin(IBufferWriter<byte> output, byte firstByte, int remainingLength, int headerBodyLength, out int headerTotal)
    {
        if (remainingLength > VariableByteInteger.MaxValue)
        {
            throw new InvalidOperationException("The packet exceeds the protocol's largest remaining length.");
        }

        headerTotal = 1 + VariableByteInteger.GetSize(remainingLength) + headerBodyLength;
        var writer = new SpanWriter(output.GetSpan(headerTotal));
        writer.WriteByte(firstByte);
        writer.WriteVariableByteInteger(remainingLength);
        return writer;
    }

    private static int PropertiesSize(MqttProperties properties, ProtocolVersion version, out int contentSize)
    {
        if (version != ProtocolVersion.V500)
        {
            contentSize = 0;
            return 0;
        }

        return PropertyWriter.GetSize(properties, out contentSize);
    }
}
