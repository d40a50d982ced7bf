namespace Tether.Protocol;

/// <summary>CONNECT (§3.1). Parsed instances own their memory.</summary>
public sealed class ConnectPacket : MqttPacket
{
    /// <inheritdoc />
    public override PacketType Type => PacketType.Connect;

    /// <summary>Protocol level: 3 (MQIsdp), 4 or 5.</summary>
    public ProtocolVersion ProtocolVersion { get; set; } = ProtocolVersion.V311;

    /// <summary>Clean session (3.1, 3.1.1) or clean start (5.0).</summary>
    public bool CleanSession { get; set; } = true;

    /// <summary>Keep alive in seconds; 0 disables it.</summary>
    public ushort KeepAliveSeconds { get; set; }

    /// <summary>Client identifier; may be empty.</summary>
    public string ClientId { get; set; } = string.Empty;

    /// <summary>User name, if present.</summary>
    public string? UserName { get; set; }

    /// <summary>Password, if present (binary data in MQTT 5.0 and 3.1.1).</summary>
    public ReadOnlyMemory<byte>? Password { get; set; }

    /// <summary>The will message, if the will flag is set.</summary>
    public WillMessage? Will { get; set; }

    /// <summary>CONNECT properties (5.0 only).</summary>
    public MqttProperties Properties { get; } = new();
}
