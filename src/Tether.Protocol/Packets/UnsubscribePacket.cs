namespace Tether.Protocol;

/// <summary>UNSUBSCRIBE (§3.10). Parsed instances own their memory.</summary>
public sealed class UnsubscribePacket : MqttPacket
{
    /// <inheritdoc />
    public override PacketType Type => PacketType.Unsubscribe;

    /// <summary>Packet identifier (non-zero).</summary>
    public ushort PacketId { get; set; }

    /// <summary>Topic filters to remove; at least one.</summary>
    public List<string> Filters { get; } = [];

    /// <summary>UNSUBSCRIBE properties (5.0 only).</summary>
    public MqttProperties Properties { get; } = new();
}
