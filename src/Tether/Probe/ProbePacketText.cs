using System.Buffers;
using System.Globalization;
using System.Text;
using Tether.Protocol;

namespace Tether.Probe;

/// <summary>Turns received MQTT packets into <see cref="PacketInput"/>s with a one-line summary.</summary>
internal static class ProbePacketText
{
    public static PacketInput Describe(MqttPacket packet, ProtocolVersion version) => packet switch
    {
        ConnAckPacket connAck => new PacketInput(PacketType.ConnAck, $"{Code(connAck.ReasonCode, version, isConnAck: true)}, session present {(connAck.SessionPresent ? 1 : 0)}{Properties(connAck.Properties)}", ReasonCode: connAck.ReasonCode)
        {
            ServerKeepAlive = connAck.Properties.ServerKeepAlive,
        },
        SubAckPacket subAck => new PacketInput(PacketType.SubAck, $"packet id {subAck.PacketId}, {string.Join(", ", subAck.ReasonCodes.Select(c => Code(c, version, isConnAck: false)))}{Properties(subAck.Properties)}", subAck.PacketId)
        {
            SubAckCodes = [.. subAck.ReasonCodes],
        },
        PublishPacket publish => new PacketInput(
            PacketType.Publish,
            string.Create(CultureInfo.InvariantCulture, $"{publish.Topic} (QoS {(int)publish.QoS}{(publish.Retain ? ", retained" : string.Empty)}{(publish.Dup ? ", dup" : string.Empty)}, {publish.Payload.Length} bytes{PayloadPreview(publish)})"),
            publish.PacketId,
            publish.QoS),
        AckPacket ack => new PacketInput(ack.Type, $"packet id {ack.PacketId}{(version == ProtocolVersion.V500 ? ", " + Code(ack.ReasonCode, version, false) : string.Empty)}", ack.PacketId, ReasonCode: ack.ReasonCode),
        UnsubAckPacket unsubAck => new PacketInput(PacketType.UnsubAck, $"packet id {unsubAck.PacketId}", unsubAck.PacketId),
        DisconnectPacket disconnect => new PacketInput(PacketType.Disconnect, version == ProtocolVersion.V500 ? Code(disconnect.ReasonCode, version, false) + Properties(disconnect.Properties) : string.Empty, ReasonCode: disconnect.ReasonCode),
        AuthPacket auth => new PacketInput(PacketType.Auth, Code(auth.ReasonCode, version, false)),
        _ => new PacketInput(packet.Type, string.Empty),
    };

    /// <summary>"0x87 not authorized"; for a 3.1.1 CONNACK the return code the wire carried.</summary>
    public static string Code(ReasonCode code, ProtocolVersion version, bool isConnAck)
    {
        if (isConnAck && version != ProtocolVersion.V500)
        {
            var returnCode = code.ToConnectReturnCode();
            return string.Create(CultureInfo.InvariantCulture, $"return code {(byte)returnCode} {Words(returnCode.ToString())}");
        }

        var name = code switch
        {
            ReasonCode.Success => isConnAck ? "success" : "success / granted QoS 0",
            (ReasonCode)0x80 => "unspecified error / failure",
            _ => Words(code.ToString()),
        };
        return string.Create(CultureInfo.InvariantCulture, $"0x{(byte)code:X2} {name}");
    }

    /// <summary>Splits a PascalCase enum name into lower-case words: "KeepAliveTimeout" → "keep alive timeout".</summary>
    private static string Words(string pascal)
    {
        var text = new StringBuilder(pascal.Length + 8);
        for (var i = 0; i < pascal.Length; i++)
        {
            if (i > 0 && char.IsUpper(pascal[i]) && !char.IsUpper(pascal[i - 1]))
            {
                text.Append(' ');
            }

            text.Append(char.ToLowerInvariant(pascal[i]));
        }

        return text.ToString();
    }

    private static string Properties(MqttProperties properties)
    {
        var text = new StringBuilder();
        if (properties.ReasonString is { } reason)
        {
            text.Append(", reason string \"").Append(reason.ToString()).Append('"');
        }

        if (properties.ServerKeepAlive is { } keepAlive)
        {
            text.Append(CultureInfo.InvariantCulture, $", server keep alive {keepAlive} s");
        }

        if (properties.ServerReference is { } reference)
        {
            text.Append(", server reference \"").Append(reference.ToString()).Append('"');
        }

        return text.ToString();
    }

    /// <summary>A short printable payload (like $SYS uptime "42 seconds") is shown; anything else only by length.</summary>
    private static string PayloadPreview(PublishPacket publish)
    {
        const int MaximumPreview = 40;
        if (publish.Payload.IsEmpty || publish.Payload.Length > MaximumPreview)
        {
            return string.Empty;
        }

        Span<byte> bytes = stackalloc byte[MaximumPreview];
        var length = (int)publish.Payload.Length;
        publish.Payload.CopyTo(bytes);
        foreach (var b in bytes[..length])
        {
            if (b is < 0x20 or > 0x7E)
            {
                return string.Empty;
            }
        }

        return ": \"" + Encoding.ASCII.GetString(bytes[..length]) + "\"";
    }
}
