using System.Buffers;
using System.Buffers.Binary;

namespace Tether.Protocol;

/// <summary>
/// A PUBLISH in two steps, for a broker that sends one message to many receivers: the part that depends only on the
/// message and the protocol family (topic name field, 5.0 property list) is encoded once; each receiver's packet is
/// then its fixed header (flags, remaining length), that part split around its packet identifier, and the payload.
/// The bytes are the same as <see cref="WritePublish"/> writes for the same packet.
/// </summary>
public static partial class MqttPacketWriter
{
    /// <summary>
    /// Size of the shared part of a PUBLISH of <paramref name="topic"/> with <paramref name="properties"/> (ignored
    /// before 5.0); <paramref name="propertiesContentSize"/> is passed on to <see cref="WritePublishShared"/>.
    /// </summary>
    public static int GetPublishSharedSize(Utf8Text topic, MqttProperties? properties, ProtocolVersion version, out int propertiesContentSize)
    {
        propertiesContentSize = 0;
        var size = 2 + topic.Length;
        if (version == ProtocolVersion.V500)
        {
            size += PropertyWriter.GetSize(properties, out propertiesContentSize);
        }

        return size;
    }

    /// <summary>
    /// Writes the shared part into <paramref name="destination"/>, which holds at least the size
    /// <see cref="GetPublishSharedSize"/> returned; the message expiry interval, if any, is written as
    /// <c>properties.MessageExpiryInterval</c> and replaced by each receiver's remaining time when a packet is written.
    /// </summary>
    public static PublishSharedLayout WritePublishShared(
        Span<byte> destination, Utf8Text topic, MqttProperties? properties, ProtocolVersion version, int propertiesContentSize)
    {
        var w = new SpanWriter(destination);
        w.WriteBinary(topic.Span);
        var topicFieldLength = w.Position;
        var expiryValueOffset = -1;
        if (version == ProtocolVersion.V500)
        {
            var offset = PropertyWriter.MessageExpiryValueOffset(properties, propertiesContentSize);
            expiryValueOffset = offset < 0 ? -1 : topicFieldLength + offset;
            PropertyWriter.Write(ref w, properties, propertiesContentSize);
        }

        return new PublishSharedLayout(w.Position, topicFieldLength, expiryValueOffset);
    }

    /// <summary>The full size of a PUBLISH written from a shared part of <paramref name="sharedLength"/> bytes, fixed header included.</summary>
    public static long GetPublishSize(int sharedLength, QualityOfService qos, int payloadLength)
    {
        var remaining = (long)sharedLength + (qos == QualityOfService.AtMostOnce ? 0 : 2) + payloadLength;
        return 1 + VariableByteInteger.GetSize((int)Math.Min(remaining, int.MaxValue)) + remaining;
    }

    /// <summary>
    /// Writes one receiver's PUBLISH from a shared part; <paramref name="messageExpiry"/> is the remaining expiry
    /// interval to write when <paramref name="layout"/> has one. Returns the bytes written.
    /// </summary>
    public static int WritePublish(
        IBufferWriter<byte> output,
        ReadOnlySpan<byte> shared,
        PublishSharedLayout layout,
        QualityOfService qos,
        bool dup,
        bool retain,
        ushort packetId,
        uint messageExpiry,
        ReadOnlySpan<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(output);
        var hasPacketId = qos != QualityOfService.AtMostOnce;
        var variableHeader = layout.Length + (hasPacketId ? 2 : 0);
        var remaining = variableHeader + payload.Length;
        var firstByte = (byte)(((int)PacketType.Publish << 4)
            | (dup ? 0b1000 : 0)
            | ((int)qos << 1)
            | (retain ? 1 : 0));

        var w = Begin(output, firstByte, remaining, variableHeader, out var headerTotal);
        w.WriteBytes(shared[..layout.TopicFieldLength]);
        if (hasPacketId)
        {
            w.WriteUInt16(packetId);
        }

        if (layout.HasExpiry)
        {
            // The one property value that differs per receiver goes in between the shared bytes around it.
            var expiryAt = layout.ExpiryValueOffset;
            w.WriteBytes(shared[layout.TopicFieldLength..expiryAt]);
            w.WriteUInt32(messageExpiry);
            w.WriteBytes(shared[(expiryAt + 4)..layout.Length]);
        }
        else
        {
            w.WriteBytes(shared[layout.TopicFieldLength..layout.Length]);
        }

        output.Advance(headerTotal);
        output.Write(payload);
        return headerTotal + payload.Length;
    }
}
