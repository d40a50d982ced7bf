namespace Tether.Protocol;

/// <summary>CONNACK (§3.2). For 3.1 and 3.1.1 the reason code maps to a return code on the wire.</summary>
public sealed class ConnAckPacket : MqttPacket
{
    /// <inheritdoc />
    public override PacketType Type => PacketType.ConnAck;

    /// <summary>Whether the server resumed an existing session.</summary>
    public bool SessionPresent { get; set; }

    /// <summary>The 5.0 reason code (use <see cref="ReasonCodes.ToConnectReturnCode"/> for older versions).</summary>
    public ReasonCode ReasonCode { get; set; }

    /// <summary>CONNACK properties (5.0 only).</summary>
    public MqttProperties Properties { get; } = new();
}
