namespace Tether.Protocol;

/// <summary>PINGREQ (§3.12). Has no content, so one instance serves everyone.</summary>
public sealed class PingReqPacket : MqttPacket
{
    private PingReqPacket()
    {
    }

    /// <summary>The shared instance.</summary>
    public static PingReqPacket Instance { get; } = new();

    /// <inheritdoc />
    public override PacketType Type => PacketType.PingReq;
}
