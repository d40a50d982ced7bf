using Tether.Protocol;

namespace Tether.Probe;

/// <summary>Everything one probe run needs; built by <see cref="ProbeCommand"/> or by tests.</summary>
internal sealed record ProbeOptions
{
    /// <summary>MQTT's own default keep alive in most clients, Paho Java's included.</summary>
    public static readonly TimeSpan DefaultKeepAlive = TimeSpan.FromSeconds(60);

    /// <summary>Ten minutes: twice Mosquitto's five-minute WebSocket ping, so a run sees it.</summary>
    public static readonly TimeSpan DefaultDuration = TimeSpan.FromSeconds(600);

    /// <summary>A topic every Mosquitto-compatible broker publishes on its own, so the connection sees traffic.</summary>
    public const string DefaultTopic = "$SYS/broker/uptime";

    public required ProbeTarget Target { get; init; }

    public ProbeProfile Profile { get; init; } = ProbeProfile.StrictWebSocket;

    public TimeSpan Duration { get; init; } = DefaultDuration;

    /// <summary>Keep alive sent in CONNECT and the PINGREQ interval; zero sends none.</summary>
    public TimeSpan KeepAlive { get; init; } = DefaultKeepAlive;

    public ProtocolVersion ProtocolVersion { get; init; } = ProtocolVersion.V311;

    public string ClientId { get; init; } = "tether-probe-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4));

    public string? UserName { get; init; }

    public string? Password { get; init; }

    /// <summary>The filter subscribed to; null subscribes to nothing.</summary>
    public string? Topic { get; init; } = DefaultTopic;

    /// <summary>PEM file of the CA certificates that the broker's certificate must chain to (instead of the system's).</summary>
    public string? CaFile { get; init; }

    /// <summary>Accept any server certificate.</summary>
    public bool Insecure { get; init; }

    /// <summary>How long to wait for TCP, TLS, the upgrade and CONNACK, and for the broker's reply to our close.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
