using Tether.Broker;

namespace Tether.Server;

/// <summary>Everything a <c>mosquitto.conf</c> says that Tether uses: the broker's options, the listeners, logging.</summary>
public sealed record TetherConfiguration
{
    /// <summary>The configuration without a file: Mosquitto 2.0's local-only mode (port 1883 on loopback), anonymous clients allowed.</summary>
    public static TetherConfiguration Default { get; } = new() { DefaultListener = ListenerOptions.LocalOnly() };

    /// <summary>The file the configuration came from; null when it did not come from a file.</summary>
    public string? SourcePath { get; init; }

    /// <summary>The broker's limits and behaviour.</summary>
    public BrokerOptions Broker { get; init; } = BrokerOptions.Default;

    /// <summary>
    /// The default listener: the one <c>port</c>, <c>bind_address</c> and the listener options written before any
    /// <c>listener</c> line configure, or the local-only listener when the file defines no listener at all. Null when
    /// the file defines only explicit listeners.
    /// </summary>
    public ListenerOptions? DefaultListener { get; init; }

    /// <summary>The listeners defined with <c>listener</c> lines, in file order.</summary>
    public IReadOnlyList<ListenerOptions> Listeners { get; init; } = [];

    /// <summary><c>password_file</c>: Mosquitto password file ($6$/$7$ hashes) checked on CONNECT; null = none.</summary>
    public string? PasswordFile { get; init; }

    /// <summary><c>acl_file</c>: Mosquitto ACL file checked on publish, subscribe and delivery; null = none.</summary>
    public string? AclFile { get; init; }

    /// <summary>
    /// <c>user</c>: the account Mosquitto switches to when started as root. Tether does not switch accounts: started as
    /// root with this set to another user, it refuses to start (see <see cref="TetherServer.StartAsync"/>); null when
    /// the file does not say (Mosquitto's default is <c>mosquitto</c>).
    /// </summary>
    public string? User { get; init; }

    /// <summary>Where <see cref="User"/> was set ("line N of FILE"), for messages; null when not from a file.</summary>
    public string? UserSetAt { get; init; }

    /// <summary><c>pid_file</c>: where the process id is written at start-up (and removed at shutdown); null = no pid file.</summary>
    public string? PidFile { get; init; }

    /// <summary><c>persistence</c>, <c>persistence_location</c>, <c>persistence_file</c>: whether and where the durable store lives.</summary>
    public PersistenceSettings Persistence { get; init; } = PersistenceSettings.Off;

    /// <summary>
    /// <c>websockets_headers_size</c>: the most bytes of HTTP request headers a WebSocket listener accepts (larger
    /// requests get 431); 0 = Kestrel's default of 32 KB.
    /// </summary>
    public int WebSocketsHeadersSize { get; init; }

    /// <summary><c>websockets_log_level</c>: accepted and kept; it is a libwebsockets debug mask and has no effect in Tether.</summary>
    public int? WebSocketsLogLevel { get; init; }

    /// <summary>Logging options.</summary>
    public LoggingSettings Logging { get; init; } = LoggingSettings.Default;

    /// <summary><c>per_listener_settings</c>: accepted and kept; authentication options are not per listener yet.</summary>
    public bool PerListenerSettings { get; init; }

    /// <summary><c>set_tcp_nodelay</c>: accepted and kept; Kestrel sets TCP_NODELAY on every connection anyway.</summary>
    public bool SetTcpNoDelay { get; init; }

    /// <summary>Things in the file that Tether accepted but that may not do what the author meant; logged at start-up.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Every listener to open: the explicit ones in file order, then the default one (Mosquitto's order).</summary>
    public IReadOnlyList<ListenerOptions> AllListeners => DefaultListener is null ? Listeners : [.. Listeners, DefaultListener];

    /// <summary>
    /// Applies the command line's <c>-p PORT</c>: the default listener takes that port; when the file has no default
    /// listener, a loopback-only one is added on that port (Mosquitto 2.0 binds <c>-p</c> listeners to loopback).
    /// </summary>
    /// <param name="port">The port, 1 to 65535 (0 picks a free port).</param>
    /// <returns>The changed configuration.</returns>
    public TetherConfiguration WithDefaultListenerPort(int port)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        return this with { DefaultListener = (DefaultListener ?? ListenerOptions.LocalOnly(port)) with { Port = port } };
    }
}
