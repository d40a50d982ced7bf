namespace Tether.Protocol;

/// <summary>
/// PUBACK, PUBREC, PUBREL or PUBCOMP (§3.4–§3.7): a packet identifier, and in 5.0 a reason code and
/// properties. Instances returned by <see cref="MqttPacketReader"/> are reused, like PUBLISH.
/// </summary>
public sealed class AckPacket : MqttPacket
{
    private readonly PacketType _type;

    /// <summary>Creates an acknowledgement of the given type.</summary>
    public AckPacket(PacketType type)
    {
        if (type is not (PacketType.PubAck or PacketType.PubRec or PacketType.PubRel or PacketType.PubComp))
        {
            throw new ArgumentOutOfRangeException(nameof(type), type, "An acknowledgement is PUBACK, PUBREC, PUBREL or PUBCOMP.");
        }

        _type = type;
    }

    /// <inheritdoc />
    public override PacketType Type => _type;

    /// <summary>The packet identifier acknowledged.</summary>
    public ushort PacketId { get; set; }

    /// <summary>Reason code (5.0; always success in earlier versions).</summary>
    public ReasonCode ReasonCode { get; set; }

    // Created on first use: a connection keeps reusable acknowledgements (reader and writer) for its lifetime, and
    // before 5.0, or while it is idle, they never carry properties; eager creation cost ~390 bytes each.
    private MqttProperties? _properties;

    /// <summary>Properties (5.0 only).</summary>
    public MqttProperties Properties => _properties ??= new();
}
