using System.Buffers;

namespace Tether.Protocol;

/// <summary>
/// PUBLISH (§3.3). The instance returned by <see cref="MqttPacketReader"/> is reused for the next PUBLISH
/// and its topic, properties and payload are slices of the input buffer: consume them before the next read
/// and before advancing the pipe.
/// </summary>
public sealed class PublishPacket : MqttPacket
{
    /// <inheritdoc />
    public override PacketType Type => PacketType.Publish;

    /// <summary>Duplicate delivery flag.</summary>
    public bool Dup { get; set; }

    /// <summary>Quality of service.</summary>
    public QualityOfService QoS { get; set; }

    /// <summary>Retain flag.</summary>
    public bool Retain { get; set; }

    /// <summary>Topic name; empty only when a 5.0 topic alias stands for it.</summary>
    public Utf8Text Topic { get; set; }

    /// <summary>Packet identifier; 0 for QoS 0.</summary>
    public ushort PacketId { get; set; }

    // Created on first use, like AckPacket's: reusable instances live as long as their connection.
    private MqttProperties? _properties;

    /// <summary>PUBLISH properties (5.0 only).</summary>
    public MqttProperties Properties => _properties ??= new();

    /// <summary>Application payload.</summary>
    public ReadOnlySequence<byte> Payload { get; set; }

    /// <summary>Resets every field so the instance can carry another message.</summary>
    public void Reset()
    {
        ResetExceptProperties();
        _properties?.Clear();
    }

    /// <summary>Resets every field but the properties, for a reader that knows they are already clear.</summary>
    internal void ResetExceptProperties()
    {
        Dup = false;
        QoS = QualityOfService.AtMostOnce;
        Retain = false;
        Topic = default;
        PacketId = 0;
        Payload = default;
    }
}
