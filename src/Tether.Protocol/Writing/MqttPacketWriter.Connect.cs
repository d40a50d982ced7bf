using System.Buffers;
using System.Text;

namespace Tether.Protocol;

public static partial class MqttPacketWriter
{
    private static int WriteConnect(IBufferWriter<byte> output, ConnectPacket connect)
    {
        var version = connect.ProtocolVersion;
        var name = version == ProtocolVersion.V310 ? "MQIsdp"u8 : "MQTT"u8;
        var clientIdLength = Encoding.UTF8.GetByteCount(connect.ClientId);
        var userNameLength = connect.UserName is null ? 0 : Encoding.UTF8.GetByteCount(connect.UserName);
        var propertiesSize = PropertiesSize(connect.Properties, version, out var propertiesContent);
        var will = connect.Will;
        var willPropertiesSize = 0;
        var willPropertiesContent = 0;
        if (will is not null)
        {
            willPropertiesSize = PropertiesSize(will.Properties, version, out willPropertiesContent);
        }

        var remaining = 2 + name.Length + 1 + 1 + 2 + propertiesSize + 2 + clientIdLength;
        if (will is not null)
        {
            remaining += willPropertiesSize + 2 + will.Topic.Length + 2 + will.Payload.Length;
        }

        if (connect.UserName is not null)
        {
            remaining += 2 + userNameLength;
        }

        if (connect.Password is { } password)
        {
            remaining += 2 + password.Length;
        }

        byte flags = 0;
        flags |= connect.UserName is not null ? (byte)0x80 : (byte)0;
        flags |= connect.Password is not null ? (byte)0x40 : (byte)0;
        flags |= connect.CleanSession ? (byte)0x02 : (byte)0;
        if (will is not null)
        {
            flags |= (byte)(0x04 | ((int)will.QoS << 3) | (will.Retain ? 0x20 : 0));
        }

        var w = Begin(output, (byte)((int)PacketType.Connect << 4), remaining, remaining, out var total);
        w.WriteBinary(name);
        w.WriteByte((byte)version);
        w.WriteByte(flags);
        w.WriteUInt16(connect.KeepAliveSeconds);
        if (version == ProtocolVersion.V500)
        {
            PropertyWriter.Write(ref w, connect.Properties, propertiesContent);
        }

        w.WriteString(connect.ClientId, clientIdLength);
        if (will is not null)
        {
            if (version == ProtocolVersion.V500)
            {
                PropertyWriter.Write(ref w, will.Properties, willPropertiesContent);
            }

            w.WriteBinary(will.Topic.Span);
            w.WriteBinary(will.Payload.Span);
        }

        if (connect.UserName is not null)
        {
            w.WriteString(connect.UserName, userNameLength);
        }

        if (connect.Password is { } passwordBytes)
        {
            w.WriteBinary(passwordBytes.Span);
        }

        output.Advance(total);
        return total;
    }

    private static int WriteConnAck(IBufferWriter<byte> output, ConnAckPacket connAck, ProtocolVersion version)
    {
        var propertiesSize = PropertiesSize(connAck.Properties, version, out var propertiesContent);
        var remaining = 2 + propertiesSize;
        var w = Begin(output, (byte)((int)PacketType.ConnAck << 4), remaining, remaining, out var total);
        w.WriteByte(connAck.SessionPresent ? (byte)1 : (byte)0);
        if (version == ProtocolVersion.V500)
        {
            w.WriteByte((byte)connAck.ReasonCode);
            PropertyWriter.Write(ref w, connAck.Properties, propertiesContent);
        }
        else
        {
            w.WriteByte((byte)connAck.ReasonCode.ToConnectReturnCode());
        }

        output.Advance(total);
        return total;
    }
}
