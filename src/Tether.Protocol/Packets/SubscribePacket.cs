namespace Tether.Protocol;

/// <summary>SUBSCRIBE (§3.8). Parsed instances own their memory.</summary>
public sealed class SubscribePacket : MqttPacket
{
    /// <inheritdoc />
    public override PacketType Type => PacketType.Subscribe;

    /// <summary>Packet identifier (non-zero).</summary>
    public ushort PacketId { get; set; }

    /// <summary>The requested subscriptions, in order; at least one.</summary>
    public List<TopicSubscription> Subscriptions { get; } = [];

    /// <summary>SUBSCRIBE properties (5.0 only).</summary>
    public MqttProperties Properties { get; } = new();
}
