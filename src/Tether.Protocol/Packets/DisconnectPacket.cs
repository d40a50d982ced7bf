namespace Tether.Protocol;

/// <summary>DISCONNECT (§3.14). Reason code and properties exist only in 5.0.</summary>
public sealed class DisconnectPacket : MqttPacket
{
    /// <inheritdoc />
    public override PacketType Type => PacketType.Disconnect;

    /// <summary>Reason for disconnecting (5.0).</summary>
    public ReasonCode ReasonCode { get; set; }

    /// <summary>DISCONNECT properties (5.0 only).</summary>
    public MqttProperties Properties { get; } = new();
}
