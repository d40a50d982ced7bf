namespace Tether.Protocol;

/// <summary>AUTH (§3.15, 5.0 only).</summary>
public sealed class AuthPacket : MqttPacket
{
    /// <inheritdoc />
    public override PacketType Type => PacketType.Auth;

    /// <summary>Success (0x00), continue authentication (0x18) or re-authenticate (0x19).</summary>
    public ReasonCode ReasonCode { get; set; }

    /// <summary>AUTH properties.</summary>
    public MqttProperties Properties { get; } = new();
}
