namespace Tether.Protocol;

/// <summary>The protocol level byte of CONNECT.</summary>
public enum ProtocolVersion : byte
{
    /// <summary>Not yet known (before CONNECT has been read).</summary>
    Unknown = 0,

    /// <summary>MQTT 3.1, protocol name <c>MQIsdp</c>, level 3.</summary>
    V310 = 3,

    /// <summary>MQTT 3.1.1, protocol name <c>MQTT</c>, level 4.</summary>
    V311 = 4,

    /// <summary>MQTT 5.0, protocol name <c>MQTT</c>, level 5.</summary>
    V500 = 5,
}
