using System.Buffers;

namespace Tether.Protocol;

public static partial class MqttPacketWriter
{
    /// <summary>Writes a PUBLISH; the payload is copied from its sequence without intermediate buffers.</summary>
    public static int WritePublish(IBufferWriter<byte> output, PublishPacket publish, ProtocolVersion version)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(publish);
        var propertiesSize = PropertiesSize(publish.Properties, version, out var propertiesContent);
        var hasPacketId = publish.QoS != QualityOfService.AtMostOnce;
        var variableHeader = 2 + publish.Topic.Length + (hasPacketId ? 2 : 0) + propertiesSize;
        var payloadLength = publish.Payload.Length;
        var remaining = variableHeader + (int)payloadLength;
        var firstByte = (byte)(((int)PacketType.Publish << 4)
            | (publish.Dup ? 0b1000 : 0)
            | ((int)publish.QoS << 1)
            | (publish.Retain ? 1 : 0));

        var w = Begin(output, firstByte, remaining, variableHeader, out var headerTotal);
        w.WriteBinary(publish.Topic.Span);
        if (hasPacketId)
        {
            w.WriteUInt16(publish.PacketId);
        }

        if (version == ProtocolVersion.V500)
        {
            PropertyWriter.Write(ref w, publish.Properties, propertiesContent);
        }

        output.Advance(headerTotal);
        if (publish.Payload.IsSingleSegment)
        {
            output.Write(publish.Payload.FirstSpan);
        }
        else
        {
            foreach (var segment in publish.Payload)
            {
                output.Write(segment.Span);
            }
        }

        return headerTotal + (int)payloadLength;
    }

    /// <summary>Writes PUBACK, PUBREC, PUBREL or PUBCOMP, using the short forms of 5.0 §3.4.2.1 when they apply.</summary>
    public static int WriteAck(IBufferWriter<byte> output, AckPacket ack, ProtocolVersion version)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(ack);
        var firstByte = (byte)(((int)ack.Type << 4) | (ack.Type == PacketType.PubRel ? 0b0010 : 0));
        var remaining = 2;
        var propertiesSize = 0;
        var propertiesContent = 0;
        var writeReason = false;
        if (version == ProtocolVersion.V500)
        {
            propertiesSize = PropertyWriter.GetSize(ack.Properties, out propertiesContent);
            if (propertiesContent > 0)
            {
                writeReason = true;
                remaining += 1 + propertiesSize;
            }
            else if (ack.ReasonCode != ReasonCode.Success)
            {
                writeReason = true;
                remaining += 1;
            }
        }

        var w = Begin(output, firstByte, remaining, remaining, out var total);
        w.WriteUInt16(ack.PacketId);
        if (writeReason)
        {
            w.WriteByte((byte)ack.ReasonCode);
            if (propertiesContent > 0)
            {
                PropertyWriter.Write(ref w, ack.Properties, propertiesContent);
            }
        }

        output.Advance(total);
        return total;
    }
}
