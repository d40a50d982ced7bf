namespace Tether.Protocol;

/// <summary>PINGRESP (§3.13). Has no content, so one instance serves everyone.</summary>
public sealed class PingRespPacket : MqttPacket
{
    private PingRespPacket()
    {
    }

    /// <summary>The shared instance.</summary>
    public static PingRespPacket Instance { get; } = new();

    /// <inheritdoc />
    public override PacketType Type => PacketType.PingResp;
}
