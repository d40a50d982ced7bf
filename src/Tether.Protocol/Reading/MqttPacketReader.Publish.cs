using System.Buffers;

namespace Tether.Protocol;

public sealed partial class MqttPacketReader
{
    private bool _publishPropertiesUsed = true;

    private bool TryParsePublish(in ReadOnlySequence<byte> body, int flags, out MqttPacket? packet, out ProtocolError error)
    {
        var publish = _publish ??= new();
        publish.ResetExceptProperties();

        // Only a 5.0 PUBLISH can have filled the properties; clearing all 27 of them is skipped otherwise.
        if (_publishPropertiesUsed)
        {
            publish.Properties.Clear();
        }

        _publishPropertiesUsed = IsV5;
        publish.Dup = (flags & 0b1000) != 0;
        publish.QoS = (QualityOfService)((flags >> 1) & 0b11);
        publish.Retain = (flags & 1) != 0;

        ReadOnlyMemory<byte> header;
        if (body.IsSingleSegment)
        {
            header = body.First;
        }
        else
        {
            // Copy only the variable header out of the segments; the payload stays a slice of the pipe. When the
            // header cannot even be measured the packet is malformed: copy the whole body so that the checks below
            // report the same error as for contiguous input. (Found by fuzzing: the measurement used to fail first,
            // so the reason code, 0x81 or 0x82, depended on where the network happened to split the packet.)
            header = TryMeasurePublishHeader(body, publish.QoS, out var headerLength)
                ? Borrow(body.Slice(0, headerLength))
                : Borrow(body);
        }

        var r = new BodyReader(header);
        if (!TryReadPublishHeader(ref r, publish))
        {
            return Fail(r.Error, out packet, out error);
        }

        publish.Payload = body.IsSingleSegment ? new ReadOnlySequence<byte>(header[r.Position..]) : body.Slice(r.Position);
        packet = publish;
        error = default;
        return true;
    }

    private bool TryReadPublishHeader(ref BodyReader r, PublishPacket publish)
    {
        if (!r.TryReadBinary(out var topicBytes))
        {
            return false;
        }

        // One scan settles the usual topic (ASCII, no NUL, no wildcard); only the others get the full checks.
        var plainTopic = !topicBytes.Span.ContainsAny(TopicRules.PlainTopicNameStops);
        if (!plainTopic && !Utf8Validation.IsValidMqttString(topicBytes.Span))
        {
            return r.Fail(ProtocolError.Malformed("string is not well-formed UTF-8 or contains U+0000"));
        }

        var topic = new Utf8Text(topicBytes);
        publish.Topic = topic;
        if (publish.QoS != QualityOfService.AtMostOnce)
        {
            if (!r.TryReadUInt16(out var packetId))
            {
                return false;
            }

            if (packetId == 0)
            {
                return r.Fail(ProtocolError.Violation("PUBLISH with packet identifier 0")); // [MQTT-2.2.1-3]
            }

            publish.PacketId = packetId;
        }

        if (IsV5 && !PropertyReader.TryRead(ref r, publish.Properties, PropertyScope.Publish))
        {
            return false;
        }

        if (topic.IsEmpty)
        {
            // 5.0 §3.3.2.1: an empty topic stands for the alias; without one it is a protocol error.
            return IsV5 && publish.Properties.TopicAlias is not null
                || r.Fail(IsV5
                    ? ProtocolError.Violation("PUBLISH with an empty topic and no topic alias")
                    : new ProtocolError(ReasonCode.TopicNameInvalid, "PUBLISH with an empty topic"));
        }

        return plainTopic
            || TopicRules.IsValidTopicName(topic.Span)
            || r.Fail(new ProtocolError(ReasonCode.TopicNameInvalid, "PUBLISH topic contains a wildcard")); // [MQTT-3.3.2-2]
    }

    /// <summary>Length of topic, packet identifier and properties, read across segments without copying.</summary>
    private bool TryMeasurePublishHeader(in ReadOnlySequence<byte> body, QualityOfService qos, out int length)
    {
        length = 0;
        var reader = new SequenceReader<byte>(body);
        if (!reader.TryReadBigEndian(out short topicLength))
        {
            return false;
        }

        var skip = (ushort)topicLength + (qos == QualityOfService.AtMostOnce ? 0 : 2);
        if (reader.Remaining < skip)
        {
            return false;
        }

        reader.Advance(skip);
        if (IsV5)
        {
            var consumed = VariableByteInteger.TryRead(ref reader, out var propertyLength);
            if (consumed <= 0 || reader.Remaining < propertyLength)
            {
                return false;
            }

            reader.Advance(propertyLength);
        }

        length = (int)reader.Consumed;
        return true;
    }

    private bool TryParseAck(in ReadOnlySequence<byte> body, AckPacket ack, out MqttPacket? packet, out ProtocolError error)
    {
        var r = new BodyReader(Borrow(body));
        ack.ReasonCode = ReasonCode.Success;
        if (IsV5)
        {
            // Before 5.0 acknowledgements carry no properties, so there is nothing to clear.
            ack.Properties.Clear();
        }
        if (!r.TryReadUInt16(out var packetId))
        {
            return Fail(r.Error, out packet, out error);
        }

        if (packetId == 0)
        {
            return Fail(ProtocolError.Violation("acknowledgement with packet identifier 0"), out packet, out error);
        }

        ack.PacketId = packetId;

        // 5.0 §3.4.2.1: the reason code and the properties may each be omitted from the end.
        if (IsV5 && !r.End)
        {
            if (!r.TryReadByte(out var code))
            {
                return Fail(r.Error, out packet, out error);
            }

            if (!IsValidAckReason(ack.Type, (ReasonCode)code))
            {
                return Fail(ProtocolError.Malformed("reason code not valid for this acknowledgement"), out packet, out error);
            }

            ack.ReasonCode = (ReasonCode)code;
            if (!r.End && !PropertyReader.TryRead(ref r, ack.Properties, PropertyScope.Ack))
            {
                return Fail(r.Error, out packet, out error);
            }
        }

        return Done(ref r, ack, out packet, out error);
    }

    private static bool IsValidAckReason(PacketType type, ReasonCode code) => type switch
    {
        PacketType.PubAck or PacketType.PubRec => code is ReasonCode.Success or ReasonCode.NoMatchingSubscribers
            or ReasonCode.UnspecifiedError or ReasonCode.ImplementationSpecificError or ReasonCode.NotAuthorized
            or ReasonCode.TopicNameInvalid or ReasonCode.PacketIdentifierInUse or ReasonCode.QuotaExceeded
            or ReasonCode.PayloadFormatInvalid,
        _ => code is ReasonCode.Success or ReasonCode.PacketIdentifierNotFound,
    };
}
