namespace Tether.Protocol;

/// <summary>Base of every MQTT control packet.</summary>
public abstract class MqttPacket
{
    /// <summary>The control packet type.</summary>
    public abstract PacketType Type { get; }
}
