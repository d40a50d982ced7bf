using Microsoft.Extensions.Logging;
using Tether.Protocol;

namespace Tether.Client;

/// <summary>
/// Everything an <see cref="MqttClient"/> needs to connect. Immutable: start from <see cref="Default"/> and change
/// what differs with <c>with { ... }</c>.
/// </summary>
public sealed record MqttClientOptions
{
    /// <summary>Loopback on port 1883, MQTT 5.0, a random client id, keep alive 60 s, clean start, reconnect on.</summary>
    public static MqttClientOptions Default { get; } = new();

    /// <summary>
    /// Where to connect: <c>mqtt://host:port</c> (TCP, default port 1883), <c>mqtts://host:port</c> (TLS, 8883),
    /// <c>ws://host:port/path</c> or <c>wss://host:port/path</c> (WebSocket, subprotocol <c>mqtt</c>).
    /// When set it wins over <see cref="Host"/>, <see cref="Port"/> and <see cref="UseTls"/>.
    /// </summary>
    public Uri? Uri { get; init; }

    /// <summary>Host name or address for TCP and TLS when <see cref="Uri"/> is not set.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>Port for TCP and TLS when <see cref="Uri"/> is not set; 0 means 1883, or 8883 with TLS.</summary>
    public int Port { get; init; }

    /// <summary>Local address to bind TCP and TLS connections to (like mosquitto_pub's <c>-A</c>); <see langword="null"/> lets the system choose.</summary>
    public System.Net.IPAddress? BindAddress { get; init; }

    /// <summary>Whether a TCP connection (without <see cref="Uri"/>) uses TLS.</summary>
    public bool UseTls { get; init; }

    /// <summary>TLS settings for <c>mqtts://</c>, <c>wss://</c> and <see cref="UseTls"/>.</summary>
    public MqttTlsOptions Tls { get; init; } = MqttTlsOptions.Default;

    /// <summary>Client identifier; empty asks the server to assign one (5.0) or gets a generated one (3.1.1).</summary>
    public string ClientId { get; init; } = string.Empty;

    /// <summary>User name and password, or <see langword="null"/> for none.</summary>
    public MqttCredentials? Credentials { get; init; }

    /// <summary>Protocol version: <see cref="ProtocolVersion.V311"/> or <see cref="ProtocolVersion.V500"/> (3.1 is also spoken).</summary>
    public ProtocolVersion ProtocolVersion { get; init; } = ProtocolVersion.V500;

    /// <summary>Keep alive; <see cref="TimeSpan.Zero"/> turns it off. Whole seconds, at most 65,535.</summary>
    public TimeSpan KeepAlive { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Clean start (5.0) or clean session (3.1.1) on the first connect. Reconnects of 5.0 clients resume the session.</summary>
    public bool CleanStart { get; init; } = true;

    /// <summary>5.0 session expiry interval: how long the server keeps the session after a disconnect (0: not at all).</summary>
    public TimeSpan SessionExpiry { get; init; }

    /// <summary>5.0: user properties sent in CONNECT.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ConnectUserProperties { get; init; } = [];

    /// <summary>The will published by the server when this client goes away without DISCONNECT.</summary>
    public MqttApplicationMessage? Will { get; init; }

    /// <summary>Automatic reconnect after a lost connection.</summary>
    public MqttReconnectOptions Reconnect { get; init; } = MqttReconnectOptions.Default;

    /// <summary>
    /// How many publishes wait to be sent. While disconnected a publish beyond it fails with
    /// <see cref="MqttOfflineQueueFullException"/>; while connected it waits for room.
    /// </summary>
    public int OfflineQueueLimit { get; init; } = 10_000;

    /// <summary>
    /// Most QoS 1 and 2 publishes awaiting acknowledgement at once; the server's receive maximum (5.0) lowers it.
    /// 20 is libmosquitto's default, and what a 3.1.1 server that cannot announce a limit (Mosquitto's and Tether's
    /// <c>max_inflight_messages</c>) is likely to accept.
    /// </summary>
    public int MaxInflight { get; init; } = 20;

    /// <summary>How many received messages wait for <see cref="MqttClient.ReadMessagesAsync"/> before reading from the server pauses.</summary>
    public int ReceiveBufferLimit { get; init; } = 1_000;

    /// <summary>How long one attempt to open the connection and receive CONNACK may take.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Clock for keep alive and reconnect delays (a fake one in tests).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// Called with every packet the client writes or reads (CONNECT and CONNACK included), on the client's own
    /// loops, before the packet's memory is reused: inspect it there, do not keep it. For tracing, such as
    /// <c>tether pub -d</c>; <see langword="null"/> costs nothing.
    /// </summary>
    public Action<MqttPacketDirection, Tether.Protocol.MqttPacket>? PacketObserver { get; init; }

    /// <summary>Diagnostics; <see langword="null"/> logs nothing.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }
}
