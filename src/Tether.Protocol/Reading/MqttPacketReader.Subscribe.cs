using System.Buffers;
using System.Text;

namespace Tether.Protocol;

public sealed partial class MqttPacketReader
{
    private bool TryParseSubscribe(in ReadOnlySequence<byte> body, out MqttPacket? packet, out ProtocolError error)
    {
        var r = new BodyReader(Own(body));
        var subscribe = new SubscribePacket();
        if (!TryReadPacketId(ref r, out var packetId))
        {
            return Fail(r.Error, out packet, out error);
        }

        subscribe.PacketId = packetId;
        if (IsV5 && !PropertyReader.TryRead(ref r, subscribe.Properties, PropertyScope.Subscribe))
        {
            return Fail(r.Error, out packet, out error);
        }

        while (!r.End)
        {
            if (!r.TryReadUtf8(out var filter) || !r.TryReadByte(out var options))
            {
                return Fail(r.Error, out packet, out error);
            }

            if (!TopicRules.IsValidTopicFilter(filter.Span))
            {
                return Fail(new ProtocolError(ReasonCode.TopicFilterInvalid, "SUBSCRIBE with an invalid topic filter"), out packet, out error);
            }

            if (!TryParseSubscriptionOptions(options, filter, out var subscription, out error))
            {
                packet = null;
                return false;
            }

            subscribe.Subscriptions.Add(subscription!);
        }

        if (subscribe.Subscriptions.Count == 0)
        {
            return Fail(ProtocolError.Violation("SUBSCRIBE without a topic filter"), out packet, out error); // [MQTT-3.8.3-3]
        }

        return Done(ref r, subscribe, out packet, out error);
    }

    private bool TryParseSubscriptionOptions(byte options, Utf8Text filter, out TopicSubscription? subscription, out ProtocolError error)
    {
        subscription = null;
        error = default;
        var qos = options & 0b11;
        if (qos == 3)
        {
            error = ProtocolError.Malformed("subscription QoS 3"); // [MQTT-3.8.3-4] (3.1.1)
            return false;
        }

        var reservedMask = IsV5 ? 0b1100_0000 : 0b1111_1100;
        if ((options & reservedMask) != 0)
        {
            error = ProtocolError.Malformed("reserved subscription option bits set"); // [MQTT-3.8.3-5]
            return false;
        }

        var noLocal = false;
        var retainAsPublished = false;
        var retainHandling = RetainHandling.SendAtSubscribe;
        if (IsV5)
        {
            noLocal = (options & 0b0100) != 0;
            retainAsPublished = (options & 0b1000) != 0;
            var handling = (options >> 4) & 0b11;
            if (handling == 3)
            {
                error = ProtocolError.Violation("retain handling 3");
                return false;
            }

            retainHandling = (RetainHandling)handling;
            if (noLocal && TopicRules.IsSharedFilter(filter.Span))
            {
                error = ProtocolError.Violation("no local on a shared subscription"); // [MQTT-3.8.3-4] (5.0)
                return false;
            }
        }

        subscription = new TopicSubscription(
            Encoding.UTF8.GetString(filter.Span), (QualityOfService)qos, noLocal, retainAsPublished, retainHandling);
        return true;
    }

    private bool TryParseSubAck(in ReadOnlySequence<byte> body, out MqttPacket? packet, out ProtocolError error)
    {
        var r = new BodyReader(Own(body));
        var subAck = new SubAckPacket();
        if (!TryReadPacketId(ref r, out var packetId))
        {
            return Fail(r.Error, out packet, out error);
        }

        subAck.PacketId = packetId;
        if (IsV5 && !PropertyReader.TryRead(ref r, subAck.Properties, PropertyScope.SubAck))
        {
            return Fail(r.Error, out packet, out error);
        }

        while (r.TryReadByte(out var code))
        {
            var reason = (ReasonCode)code;
            var valid = IsV5
                ? reason is ReasonCode.Success or ReasonCode.GrantedQoS1 or ReasonCode.GrantedQoS2 || reason.IsError()
                : reason is ReasonCode.Success or ReasonCode.GrantedQoS1 or ReasonCode.GrantedQoS2 or ReasonCode.UnspecifiedError;
            if (!valid)
            {
                return Fail(ProtocolError.Malformed("SUBACK with an invalid return code"), out packet, out error);
            }

            subAck.ReasonCodes.Add(reason);
        }

        if (subAck.ReasonCodes.Count == 0)
        {
            return Fail(ProtocolError.Malformed("SUBACK without return codes"), out packet, out error);
        }

        packet = subAck;
        error = default;
        return true;
    }

    private bool TryParseUnsubscribe(in ReadOnlySequence<byte> body, out MqttPacket? packet, out ProtocolError error)
    {
        var r = new BodyReader(Own(body));
        var unsubscribe = new UnsubscribePacket();
        if (!TryReadPacketId(ref r, out var packetId))
        {
            return Fail(r.Error, out packet, out error);
        }

        unsubscribe.PacketId = packetId;
        if (IsV5 && !PropertyReader.TryRead(ref r, unsubscribe.Properties, PropertyScope.Unsubscribe))
        {
            return Fail(r.Error, out packet, out error);
        }

        while (!r.End)
        {
            if (!r.TryReadUtf8(out var filter))
            {
                return Fail(r.Error, out packet, out error);
            }

            if (!TopicRules.IsValidTopicFilter(filter.Span))
            {
                return Fail(new ProtocolError(ReasonCode.TopicFilterInvalid, "UNSUBSCRIBE with an invalid topic filter"), out packet, out error);
            }

            unsubscribe.Filters.Add(Encoding.UTF8.GetString(filter.Span));
        }

        if (unsubscribe.Filters.Count == 0)
        {
            return Fail(ProtocolError.Violation("UNSUBSCRIBE without a topic filter"), out packet, out error); // [MQTT-3.10.3-2]
        }

        return Done(ref r, unsubscribe, out packet, out error);
    }

    private bool TryParseUnsubAck(in ReadOnlySequence<byte> body, out MqttPacket? packet, out ProtocolError error)
    {
        var r = new BodyReader(Own(body));
        var unsubAck = new UnsubAckPacket();
        if (!TryReadPacketId(ref r, out var packetId))
        {
            return Fail(r.Error, out packet, out error);
        }

        unsubAck.PacketId = packetId;
        if (IsV5)
        {
            if (!PropertyReader.TryRead(ref r, unsubAck.Properties, PropertyScope.UnsubAck))
            {
                return Fail(r.Error, out packet, out error);
            }

            while (r.TryReadByte(out var code))
            {
                unsubAck.ReasonCodes.Add((ReasonCode)code);
            }

            if (unsubAck.ReasonCodes.Count == 0)
            {
                return Fail(ProtocolError.Malformed("UNSUBACK without reason codes"), out packet, out error);
            }
        }

        return Done(ref r, unsubAck, out packet, out error);
    }

    private static bool TryReadPacketId(ref BodyReader r, out ushort packetId)
    {
        if (!r.TryReadUInt16(out packetId))
        {
            return false;
        }

        return packetId != 0 || r.Fail(ProtocolError.Violation("packet identifier 0")); // [MQTT-2.2.1-3]
    }
}
