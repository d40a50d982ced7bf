namespace Tether.Protocol;

/// <summary>The will carried by CONNECT (§3.1.2.5, §3.1.3.2).</summary>
public sealed class WillMessage
{
    /// <summary>Will topic.</summary>
    public Utf8Text Topic { get; set; }

    /// <summary>Will payload.</summary>
    public ReadOnlyMemory<byte> Payload { get; set; }

    /// <summary>Will QoS.</summary>
    public QualityOfService QoS { get; set; }

    /// <summary>Will retain flag.</summary>
    public bool Retain { get; set; }

    /// <summary>Will properties (5.0 only).</summary>
    public MqttProperties Properties { get; } = new();
}
