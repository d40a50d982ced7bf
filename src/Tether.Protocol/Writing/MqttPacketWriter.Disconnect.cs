using System.Buffers;

namespace Tether.Protocol;

public static partial class MqttPacketWriter
{
    private static int WriteDisconnect(IBufferWriter<byte> output, DisconnectPacket disconnect, ProtocolVersion version) =>
        WriteReasonAndProperties(output, PacketType.Disconnect, disconnect.ReasonCode, disconnect.Properties, version);

    private static int WriteAuth(IBufferWriter<byte> output, AuthPacket auth, ProtocolVersion version) =>
        WriteReasonAndProperties(output, PacketType.Auth, auth.ReasonCode, auth.Properties, version);

    /// <summary>
    /// DISCONNECT and AUTH share a shape: in 5.0 a reason code and properties, both omitted when the reason is
    /// success and there are no properties (§3.14.2.1, §3.15.2.1); before 5.0 an empty body.
    /// </summary>
    private static int WriteReasonAndProperties(
        IBufferWriter<byte> output, PacketType type, ReasonCode code, MqttProperties properties, ProtocolVersion version)
    {
        var remaining = 0;
        var propertiesContent = 0;
        if (version == ProtocolVersion.V500)
        {
            var propertiesSize = PropertyWriter.GetSize(properties, out propertiesContent);
            if (propertiesContent > 0)
            {
                remaining = 1 + propertiesSize;
            }
            else if (code != ReasonCode.Success)
            {
                remaining = 1;
            }
        }

        var w = Begin(output, (byte)((int)type << 4), remaining, remaining, out var total);
        if (remaining > 0)
        {
            w.WriteByte((byte)code);
            if (propertiesContent > 0)
            {
                PropertyWriter.Write(ref w, properties, propertiesContent);
            }
        }

        output.Advance(total);
        return total;
    }
}
