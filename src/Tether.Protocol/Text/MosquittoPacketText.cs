using System.Globalization;

namespace Tether.Protocol;

/// <summary>
/// How Mosquitto 2.0.11 words a packet in its debug log: the packet's name and, for PUBLISH and the QoS
/// acknowledgements, the details in brackets. The broker ("Sending PUBLISH to c1 (d0, q1, r0, m1, 'a/b', ... (5
/// bytes))") and libmosquitto's clients ("Client c1 sending PUBLISH (d0, q1, r0, m1, 'a/b', ... (5 bytes))") print
/// the same details and differ only in where the client id stands, so callers place the pieces themselves.
/// </summary>
public static class MosquittoPacketText
{
    /// <summary>The packet's name as §2.1.2 spells it in capitals: "CONNACK", "PINGREQ", ...</summary>
    /// <param name="type">The control packet type.</param>
    /// <returns>A literal, so naming a packet allocates nothing.</returns>
    public static string Name(PacketType type) => type switch
    {
        PacketType.Connect => "CONNECT",
        PacketType.ConnAck => "CONNACK",
        PacketType.Publish => "PUBLISH",
        PacketType.PubAck => "PUBACK",
        PacketType.PubRec => "PUBREC",
        PacketType.PubRel => "PUBREL",
        PacketType.PubComp => "PUBCOMP",
        PacketType.Subscribe => "SUBSCRIBE",
        PacketType.SubAck => "SUBACK",
        PacketType.Unsubscribe => "UNSUBSCRIBE",
        PacketType.UnsubAck => "UNSUBACK",
        PacketType.PingReq => "PINGREQ",
        PacketType.PingResp => "PINGRESP",
        PacketType.Disconnect => "DISCONNECT",
        PacketType.Auth => "AUTH",
        _ => "RESERVED",
    };

    /// <summary>A PUBLISH in either direction: "(d0, q1, r0, m1, 'a/b', ... (5 bytes))".</summary>
    /// <param name="dup">The DUP flag.</param>
    /// <param name="qos">The QoS.</param>
    /// <param name="retain">The RETAIN flag.</param>
    /// <param name="packetId">The packet identifier (0 at QoS 0).</param>
    /// <param name="topic">The topic name (the resolved one when the packet carried only a topic alias).</param>
    /// <param name="payloadLength">The payload's length in bytes.</param>
    /// <returns>The bracketed details.</returns>
    public static string PublishDetails(bool dup, QualityOfService qos, bool retain, ushort packetId, string topic, long payloadLength) =>
        string.Create(CultureInfo.InvariantCulture, $"(d{(dup ? 1 : 0)}, q{(int)qos}, r{(retain ? 1 : 0)}, m{packetId}, '{topic}', ... ({payloadLength} bytes))");

    /// <summary>
    /// A PUBACK, PUBREC, PUBREL or PUBCOMP being sent: "(m1, rc0)"; Mosquitto shows no code for PUBREL and PUBCOMP.
    /// </summary>
    /// <param name="type">Which of the four acknowledgements.</param>
    /// <param name="packetId">The packet identifier.</param>
    /// <param name="reasonCode">The reason code (0 for 3.1.1, whose acknowledgements carry none).</param>
    /// <returns>The bracketed details.</returns>
    public static string SentAckDetails(PacketType type, ushort packetId, ReasonCode reasonCode) => type is PacketType.PubAck or PacketType.PubRec
        ? string.Create(CultureInfo.InvariantCulture, $"(m{packetId}, rc{(int)reasonCode})")
        : string.Create(CultureInfo.InvariantCulture, $"(m{packetId})");

    /// <summary>
    /// A PUBACK, PUBREC, PUBREL or PUBCOMP received: "(Mid: 1, RC:0)"; Mosquitto shows the code only for PUBACK and
    /// PUBCOMP.
    /// </summary>
    /// <param name="type">Which of the four acknowledgements.</param>
    /// <param name="packetId">The packet identifier.</param>
    /// <param name="reasonCode">The reason code (0 for 3.1.1, whose acknowledgements carry none).</param>
    /// <returns>The bracketed details.</returns>
    public static string ReceivedAckDetails(PacketType type, ushort packetId, ReasonCode reasonCode) => type is PacketType.PubAck or PacketType.PubComp
        ? string.Create(CultureInfo.InvariantCulture, $"(Mid: {packetId}, RC:{(int)reasonCode})")
        : string.Create(CultureInfo.InvariantCulture, $"(Mid: {packetId})");
}
