using Tether.Protocol;

namespace Tether.Broker;

/// <summary>What a connection's writer can be asked to send.</summary>
internal enum OutboundKind : byte
{
    /// <summary>A PUBLISH of an application message.</summary>
    Publish,

    /// <summary>PUBACK, PUBREC, PUBREL or PUBCOMP; no object is allocated for these.</summary>
    Ack,

    /// <summary>Any other packet, already built.</summary>
    Packet,

    /// <summary>Send the packet (a DISCONNECT, or nothing) and then close the connection.</summary>
    Close,

    /// <summary>Nothing after this goes out until the store has committed what was submitted before it.</summary>
    CommitBarrier,
}

/// <summary>One entry of a connection's outbound queue. A struct, so queueing allocates nothing.</summary>
internal readonly struct OutboundItem
{
    private OutboundItem(
        OutboundKind kind, MqttPacket? packet, ApplicationMessage? message, PacketType ackType, ushort packetId,
        QualityOfService qos, bool retain, bool dup, ReasonCode reasonCode, uint[]? subscriptionIdentifiers)
    {
        Kind = kind;
        Packet = packet;
        Message = message;
        AckType = ackType;
        PacketId = packetId;
        QoS = qos;
        Retain = retain;
        Dup = dup;
        ReasonCode = reasonCode;
        SubscriptionIdentifiers = subscriptionIdentifiers;
    }

    public OutboundKind Kind { get; }

    public MqttPacket? Packet { get; }

    public ApplicationMessage? Message { get; }

    public PacketType AckType { get; }

    public ushort PacketId { get; }

    public QualityOfService QoS { get; }

    public bool Retain { get; }

    public bool Dup { get; }

    public ReasonCode ReasonCode { get; }

    public uint[]? SubscriptionIdentifiers { get; }

    public static OutboundItem ForPublish(ApplicationMessage message, ushort packetId, QualityOfService qos, bool retain, bool dup, uint[]? subscriptionIdentifiers) =>
        new(OutboundKind.Publish, null, message, PacketType.Publish, packetId, qos, retain, dup, ReasonCode.Success, subscriptionIdentifiers);

    public static OutboundItem ForAck(PacketType type, ushort packetId, ReasonCode reasonCode) =>
        new(OutboundKind.Ack, null, null, type, packetId, QualityOfService.AtMostOnce, false, false, reasonCode, null);

    public static OutboundItem ForPacket(MqttPacket packet) =>
        new(OutboundKind.Packet, packet, null, packet.Type, 0, QualityOfService.AtMostOnce, false, false, ReasonCode.Success, null);

    public static OutboundItem ForCommitBarrier() =>
        new(OutboundKind.CommitBarrier, null, null, PacketType.Reserved, 0, QualityOfService.AtMostOnce, false, false, ReasonCode.Success, null);

    public static OutboundItem ForClose(MqttPacket? finalPacket) =>
        new(OutboundKind.Close, finalPacket, null, PacketType.Disconnect, 0, QualityOfService.AtMostOnce, false, false, ReasonCode.Success, null);
}
