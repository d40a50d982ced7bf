using System.Buffers;
using System.Text;

namespace Tether.Protocol;

public static partial class MqttPacketWriter
{
    private static int WriteSubscribe(IBufferWriter<byte> output, SubscribePacket subscribe, ProtocolVersion version)
    {
        var propertiesSize = PropertiesSize(subscribe.Properties, version, out var propertiesContent);
        var remaining = 2 + propertiesSize;
        foreach (var subscription in subscribe.Subscriptions)
        {
            remaining += 2 + Encoding.UTF8.GetByteCount(subscription.Filter) + 1;
        }

        var w = Begin(output, (byte)(((int)PacketType.Subscribe << 4) | 0b0010), remaining, remaining, out var total);
        w.WriteUInt16(subscribe.PacketId);
        if (version == ProtocolVersion.V500)
        {
            PropertyWriter.Write(ref w, subscribe.Properties, propertiesContent);
        }

        foreach (var subscription in subscribe.Subscriptions)
        {
            w.WriteString(subscription.Filter, Encoding.UTF8.GetByteCount(subscription.Filter));
            var options = (int)subscription.MaximumQoS;
            if (version == ProtocolVersion.V500)
            {
                options |= (subscription.NoLocal ? 0b0100 : 0)
                    | (subscription.RetainAsPublished ? 0b1000 : 0)
                    | ((int)subscription.RetainHandling << 4);
            }

            w.WriteByte((byte)options);
        }

        output.Advance(total);
        return total;
    }

    private static int WriteSubAck(IBufferWriter<byte> output, SubAckPacket subAck, ProtocolVersion version)
    {
        var propertiesSize = PropertiesSize(subAck.Properties, version, out var propertiesContent);
        var remaining = 2 + propertiesSize + subAck.ReasonCodes.Count;
        var w = Begin(output, (byte)((int)PacketType.SubAck << 4), remaining, remaining, out var total);
        w.WriteUInt16(subAck.PacketId);
        if (version == ProtocolVersion.V500)
        {
            PropertyWriter.Write(ref w, subAck.Properties, propertiesContent);
        }

        foreach (var code in subAck.ReasonCodes)
        {
            // 3.1.1 knows only 0, 1, 2 and 0x80 (failure) [MQTT-3.9.3-2].
            w.WriteByte(version == ProtocolVersion.V500 || !code.IsError() ? (byte)code : (byte)ReasonCode.UnspecifiedError);
        }

        output.Advance(total);
        return total;
    }

    private static int WriteUnsubscribe(IBufferWriter<byte> output, UnsubscribePacket unsubscribe, ProtocolVersion version)
    {
        var propertiesSize = PropertiesSize(unsubscribe.Properties, version, out var propertiesContent);
        var remaining = 2 + propertiesSize;
        foreach (var filter in unsubscribe.Filters)
        {
            remaining += 2 + Encoding.UTF8.GetByteCount(filter);
        }

        var w = Begin(output, (byte)(((int)PacketType.Unsubscribe << 4) | 0b0010), remaining, remaining, out var total);
        w.WriteUInt16(unsubscribe.PacketId);
        if (version == ProtocolVersion.V500)
        {
            PropertyWriter.Write(ref w, unsubscribe.Properties, propertiesContent);
        }

        foreach (var filter in unsubscribe.Filters)
        {
            w.WriteString(filter, Encoding.UTF8.GetByteCount(filter));
        }

        output.Advance(total);
        return total;
    }

    private static int WriteUnsubAck(IBufferWriter<byte> output, UnsubAckPacket unsubAck, ProtocolVersion version)
    {
        var v5 = version == ProtocolVersion.V500;
        var propertiesSize = PropertiesSize(unsubAck.Properties, version, out var propertiesContent);
        var remaining = 2 + (v5 ? propertiesSize + unsubAck.ReasonCodes.Count : 0);
        var w = Begin(output, (byte)((int)PacketType.UnsubAck << 4), remaining, remaining, out var total);
        w.WriteUInt16(unsubAck.PacketId);
        if (v5)
        {
            PropertyWriter.Write(ref w, unsubAck.Properties, propertiesContent);
            foreach (var code in unsubAck.ReasonCodes)
            {
                w.WriteByte((byte)code);
            }
        }

        output.Advance(total);
        return total;
    }
}
