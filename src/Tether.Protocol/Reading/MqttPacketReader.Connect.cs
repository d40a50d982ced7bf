using System.Buffers;
using System.Text;

namespace Tether.Protocol;

public sealed partial class MqttPacketReader
{
    private static ReadOnlySpan<byte> MqttName => "MQTT"u8;

    private static ReadOnlySpan<byte> MqIsdpName => "MQIsdp"u8;

    // CONNECT flag bits (§3.1.2.3).
    private const byte UserNameFlag = 0x80;
    private const byte PasswordFlag = 0x40;
    private const byte WillRetainFlag = 0x20;
    private const byte WillQoSMask = 0x18;
    private const byte WillFlag = 0x04;
    private const byte CleanSessionFlag = 0x02;
    private const byte ReservedConnectFlag = 0x01;

    private bool TryParseConnect(in ReadOnlySequence<byte> body, out MqttPacket? packet, out ProtocolError error)
    {
        var r = new BodyReader(Own(body));
        var connect = new ConnectPacket();
        if (!TryReadConnect(ref r, connect))
        {
            return Fail(r.Error, out packet, out error);
        }

        return Done(ref r, connect, out packet, out error);
    }

    private bool TryReadConnect(ref BodyReader r, ConnectPacket connect)
    {
        if (!r.TryReadBinary(out var name) || !r.TryReadByte(out var level))
        {
            return false;
        }

        // Bridges (Mosquitto's try_private) set the top bit of the level; the protocol is the same.
        var version = (ProtocolVersion)(level & 0x7F);
        var nameOk = version switch
        {
            ProtocolVersion.V310 => name.Span.SequenceEqual(MqIsdpName),
            ProtocolVersion.V311 or ProtocolVersion.V500 => name.Span.SequenceEqual(MqttName),
            _ => name.Span.SequenceEqual(MqttName) || name.Span.SequenceEqual(MqIsdpName),
        };
        if (!nameOk)
        {
            // [MQTT-3.1.2-1]: a wrong protocol name may be refused without a CONNACK.
            return r.Fail(ProtocolError.Violation("protocol name is not MQTT or MQIsdp"));
        }

        if (version is not (ProtocolVersion.V310 or ProtocolVersion.V311 or ProtocolVersion.V500))
        {
            // [MQTT-3.1.2-2]: answered with CONNACK 0x01 (3.1.1) / 0x84 (5.0), then closed.
            return r.Fail(new ProtocolError(ReasonCode.UnsupportedProtocolVersion, "unsupported protocol level"));
        }

        ProtocolVersion = version;
        connect.ProtocolVersion = version;
        if (!r.TryReadByte(out var flags) || !r.TryReadUInt16(out var keepAlive))
        {
            return false;
        }

        if ((flags & ReservedConnectFlag) != 0)
        {
            return r.Fail(ProtocolError.Malformed("CONNECT reserved flag set")); // [MQTT-3.1.2-3]
        }

        var hasWill = (flags & WillFlag) != 0;
        var willQoS = (flags & WillQoSMask) >> 3;
        var willRetain = (flags & WillRetainFlag) != 0;
        if (willQoS == 3)
        {
            return r.Fail(ProtocolError.Malformed("will QoS 3")); // [MQTT-3.1.2-14]
        }

        if (!hasWill && (willQoS != 0 || willRetain))
        {
            return r.Fail(ProtocolError.Malformed("will QoS or retain set without the will flag")); // [MQTT-3.1.2-11], [MQTT-3.1.2-13], [MQTT-3.1.2-15]
        }

        var hasUserName = (flags & UserNameFlag) != 0;
        var hasPassword = (flags & PasswordFlag) != 0;
        if (hasPassword && !hasUserName && version != ProtocolVersion.V500)
        {
            return r.Fail(ProtocolError.Malformed("password flag without user name flag")); // 3.1.1 [MQTT-3.1.2-22]
        }

        connect.CleanSession = (flags & CleanSessionFlag) != 0;
        connect.KeepAliveSeconds = keepAlive;
        if (version == ProtocolVersion.V500)
        {
            if (!PropertyReader.TryRead(ref r, connect.Properties, PropertyScope.Connect))
            {
                return false;
            }

            if (connect.Properties.AuthenticationData is not null && connect.Properties.AuthenticationMethod is null)
            {
                return r.Fail(ProtocolError.Violation("authentication data without authentication method"));
            }
        }

        if (!r.TryReadUtf8(out var clientId))
        {
            return false;
        }

        connect.ClientId = Encoding.UTF8.GetString(clientId.Span);
        if (hasWill && !TryReadWill(ref r, connect, (QualityOfService)willQoS, willRetain))
        {
            return false;
        }

        if (hasUserName)
        {
            if (!r.TryReadUtf8(out var userName))
            {
                return false;
            }

            connect.UserName = Encoding.UTF8.GetString(userName.Span);
        }

        if (hasPassword)
        {
            if (!r.TryReadBinary(out var password))
            {
                return false;
            }

            connect.Password = password;
        }

        return true;
    }

    private bool TryReadWill(ref BodyReader r, ConnectPacket connect, QualityOfService qos, bool retain)
    {
        var will = new WillMessage { QoS = qos, Retain = retain };
        if (IsV5 && !PropertyReader.TryRead(ref r, will.Properties, PropertyScope.Will))
        {
            return false;
        }

        if (!r.TryReadUtf8(out var topic))
        {
            return false;
        }

        if (!TopicRules.IsValidTopicName(topic.Span))
        {
            return r.Fail(new ProtocolError(ReasonCode.TopicNameInvalid, "will topic is not a valid topic name"));
        }

        if (!r.TryReadBinary(out var payload))
        {
            return false;
        }

        will.Topic = topic;
        will.Payload = payload;
        connect.Will = will;
        return true;
    }

    private bool TryParseConnAck(in ReadOnlySequence<byte> body, out MqttPacket? packet, out ProtocolError error)
    {
        var r = new BodyReader(Own(body));
        if (!r.TryReadByte(out var acknowledgeFlags) || !r.TryReadByte(out var code))
        {
            return Fail(r.Error, out packet, out error);
        }

        if ((acknowledgeFlags & 0xFE) != 0)
        {
            return Fail(ProtocolError.Malformed("CONNACK reserved flags set"), out packet, out error); // [MQTT-3.2.2-1]
        }

        var connAck = new ConnAckPacket { SessionPresent = (acknowledgeFlags & 1) != 0 };
        if (IsV5)
        {
            connAck.ReasonCode = (ReasonCode)code;
            if (!r.End && !PropertyReader.TryRead(ref r, connAck.Properties, PropertyScope.ConnAck))
            {
                return Fail(r.Error, out packet, out error);
            }
        }
        else
        {
            if (code > (byte)ConnectReturnCode.NotAuthorized)
            {
                return Fail(ProtocolError.Malformed("unknown CONNACK return code"), out packet, out error);
            }

            connAck.ReasonCode = ((ConnectReturnCode)code).ToReasonCode();
        }

        return Done(ref r, connAck, out packet, out error);
    }
}
