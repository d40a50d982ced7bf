namespace Tether.Protocol;

/// <summary>UNSUBACK (§3.11). Reason codes exist only in 5.0.</summary>
public sealed class UnsubAckPacket : MqttPacket
{
    /// <inheritdoc />
    public override PacketType Type => PacketType.UnsubAck;

    /// <summary>Packet identifier of the UNSUBSCRIBE.</summary>
    public ushort PacketId { get; set; }

    /// <summary>One code per filter (5.0 only).</summary>
    public List<ReasonCode> ReasonCodes { get; } = [];

    /// <summary>UNSUBACK properties (5.0 only).</summary>
    public MqttProperties Properties { get; } = new();
}
