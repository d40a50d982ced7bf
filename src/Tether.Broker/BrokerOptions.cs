namespace Tether.Broker;

/// <summary>
/// Broker-wide limits and behaviour. Defaults follow Mosquitto 2.0 where Mosquitto has the option, so a
/// deployment that moves over keeps its behaviour; names in the remarks are the <c>mosquitto.conf</c> options.
/// </summary>
public sealed record BrokerOptions
{
    /// <summary>The defaults.</summary>
    public static BrokerOptions Default { get; } = new();

    /// <summary><c>max_keepalive</c>: the largest keep alive a client may ask for; 5.0 clients asking more (or 0) get this as server keep alive. Mosquitto's default 65535.</summary>
    public ushort MaxKeepAliveSeconds { get; init; } = 65535;

    /// <summary><c>max_inflight_messages</c>: outgoing QoS 1/2 messages in flight per client (0 = unlimited up to the client's receive maximum). Mosquitto's default 20.</summary>
    public int MaxInflightMessages { get; init; } = 20;

    /// <summary>
    /// <c>max_inflight_bytes</c>: outgoing QoS 1/2 payload bytes in flight per client, as well as
    /// <see cref="MaxInflightMessages"/> (0 = no byte limit, Mosquitto's default). New messages go out while the bytes in
    /// flight are below the limit, so one message larger than the limit still goes out, alone.
    /// </summary>
    public long MaxInflightBytes { get; init; }

    /// <summary><c>max_queued_messages</c>: messages queued per client beyond those in flight (0 = unlimited). Mosquitto's default 1000.</summary>
    public int MaxQueuedMessages { get; init; } = 1000;

    /// <summary><c>max_queued_bytes</c>: payload bytes queued per client (0 = unlimited). Mosquitto's default 0.</summary>
    public long MaxQueuedBytes { get; init; }

    /// <summary>
    /// For a session kept in a durable store: how many of its queued messages stay in memory at most (the oldest);
    /// the rest are read back from the store, in order, as the queue drains. The whole queue still counts against
    /// <see cref="MaxQueuedMessages"/>. Not a <c>mosquitto.conf</c> option (Mosquitto holds every queued message in
    /// memory). 128 covers several in-flight windows of the default 20, so a reconnecting client never waits on a read.
    /// </summary>
    public int QueueMemoryMessages { get; init; } = 128;

    /// <summary>
    /// As <see cref="QueueMemoryMessages"/>, in payload bytes: whichever limit is reached first bounds the part of a
    /// stored session's queue held in memory. A message larger than this is still held, alone.
    /// </summary>
    public long QueueMemoryBytes { get; init; } = 256 * 1024;

    /// <summary><c>queue_qos0_messages</c>: whether QoS 0 messages are queued for offline persistent sessions. Mosquitto's default false.</summary>
    public bool QueueQoS0Messages { get; init; }

    /// <summary><c>message_size_limit</c>: largest PUBLISH payload accepted, in bytes (0 = protocol maximum).</summary>
    public int MessageSizeLimit { get; init; }

    /// <summary><c>max_packet_size</c>: largest packet accepted from clients (0 = protocol maximum); announced to 5.0 clients.</summary>
    public int MaxPacketSize { get; init; }

    /// <summary><c>max_topic_alias</c>: topic aliases a 5.0 client may use towards the broker. Mosquitto's default 10.</summary>
    public ushort MaxTopicAlias { get; init; } = 10;

    /// <summary><c>retain_available</c>: whether retained messages are supported.</summary>
    public bool RetainAvailable { get; init; } = true;

    /// <summary><c>max_qos</c>: highest QoS supported (0, 1 or 2).</summary>
    public byte MaxQoS { get; init; } = 2;

    /// <summary><c>allow_zero_length_clientid</c>: whether clients may connect with an empty client id (the broker assigns one).</summary>
    public bool AllowZeroLengthClientId { get; init; } = true;

    /// <summary><c>auto_id_prefix</c>: prefix of assigned client identifiers. Mosquitto's default "auto-".</summary>
    public string AutoIdPrefix { get; init; } = "auto-";

    /// <summary>
    /// <c>clientid_prefixes</c>: when set, only clients whose id starts with this prefix may connect; others get CONNACK
    /// "not authorised", like Mosquitto. Despite the plural, Mosquitto takes one prefix. Null = any id.
    /// </summary>
    public string? ClientIdPrefixes { get; init; }

    /// <summary><c>persistent_client_expiration</c>: removal of 3.1.1 persistent sessions after this idle time; null = never.</summary>
    public TimeSpan? PersistentClientExpiration { get; init; }

    /// <summary><c>sys_interval</c>: seconds between <c>$SYS</c> updates; 0 disables them. Mosquitto's default 10.</summary>
    public int SysIntervalSeconds { get; init; } = 10;

    /// <summary><c>upgrade_outgoing_qos</c>: deliver at the subscription's QoS even when the message's QoS is lower.</summary>
    public bool UpgradeOutgoingQoS { get; init; }

    /// <summary><c>allow_anonymous</c>: whether clients without a user name may connect.</summary>
    public bool AllowAnonymous { get; init; } = true;

    /// <summary>Name of a 5.0 enhanced authentication method the broker handles; null = none (AUTH answered with 0x8C).</summary>
    public string? EnhancedAuthenticationMethod { get; init; }

    /// <summary><c>connection_messages</c>: whether client connect and disconnect lines are logged.</summary>
    public bool ConnectionMessages { get; init; } = true;

    /// <summary>Interval of the heartbeat that drives keep alive, will delay and expiry checks.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The broker's version string, published as <c>$SYS/broker/version</c>.</summary>
    public string VersionString { get; init; } = "tether " + typeof(BrokerOptions).Assembly.GetName().Version?.ToString(3);
}
