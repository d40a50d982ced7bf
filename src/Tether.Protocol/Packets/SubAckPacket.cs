namespace Tether.Protocol;

/// <summary>SUBACK (§3.9). Return codes of 3.1.1 (0, 1, 2, 0x80) share their values with 5.0 reason codes.</summary>
public sealed class SubAckPacket : MqttPacket
{
    /// <inheritdoc />
    public override PacketType Type => PacketType.SubAck;

    /// <summary>Packet identifier of the SUBSCRIBE.</summary>
    public ushort PacketId { get; set; }

    /// <summary>One code per requested filter, in order.</summary>
    public List<ReasonCode> ReasonCodes { get; } = [];

    /// <summary>SUBACK properties (5.0 only).</summary>
    public MqttProperties Properties { get; } = new();
}
