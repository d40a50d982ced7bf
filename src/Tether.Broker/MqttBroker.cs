using System.Collections.Concurrent;
using System.IO.Pipelines;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tether.Broker.Persistence;

namespace Tether.Broker;

/// <summary>
/// The broker: give it each accepted connection as an <see cref="IDuplexPipe"/> and it speaks MQTT on it until
/// the connection ends. It knows nothing about sockets, so any transport (TCP, TLS, WebSockets, an in-memory
/// pipe in a test) can feed it.
/// </summary>
public sealed partial class MqttBroker : IAsyncDisposable
{
    private readonly ConcurrentDictionary<MqttConnection, byte> _connections = new();
    private readonly ConcurrentDictionary<string, Session> _sessions = new(StringComparer.Ordinal);

    // Connect, takeover and session expiry change which session a client id maps to; they are rare next to
    // publishes, so one lock keeps them simple. The publish path never takes it.
    private readonly Lock _sessionTableLock = new();
    private readonly MessageRouter _router;
    private readonly RetainedMessageStore _retained = new();
    private readonly ITimer _heartbeat;
    private volatile bool _shuttingDown;

    /// <summary>Creates a broker.</summary>
    /// <param name="options">Limits and behaviour; <see cref="BrokerOptions.Default"/> when null.</param>
    /// <param name="timeProvider">Clock for keep alive, expiry and will delay; the system clock when null.</param>
    /// <param name="loggerFactory">Where log lines go; nowhere when null.</param>
    /// <param name="store">Where durable state goes; memory only when null. Call <see cref="RestoreAsync"/> before taking connections.</param>
    public MqttBroker(BrokerOptions? options = null, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null, IBrokerStore? store = null)
    {
        Store = store ?? InMemoryBrokerStore.Instance;
        IsDurable = Store.IsDurable;
        PagesQueues = IsDurable && Store.CanPageDeliveries;
        Options = options ?? BrokerOptions.Default;
        Time = timeProvider ?? TimeProvider.System;
        var factory = loggerFactory ?? NullLoggerFactory.Instance;
        Logger = factory.CreateLogger(BrokerLogCategories.Broker);
        SubscribeLogger = factory.CreateLogger(BrokerLogCategories.Subscribe);
        UnsubscribeLogger = factory.CreateLogger(BrokerLogCategories.Unsubscribe);
        StartedAt = Time.GetUtcNow();
        _router = new MessageRouter(Options.UpgradeOutgoingQoS);
        _heartbeat = Time.CreateTimer(static state => ((MqttBroker)state!).OnHeartbeat(), this, Options.HeartbeatInterval, Options.HeartbeatInterval);
    }

    /// <summary>The options the broker runs with.</summary>
    public BrokerOptions Options { get; }

    /// <summary>The broker's clock.</summary>
    public TimeProvider Time { get; }

    /// <summary>When the broker started, by its clock.</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>Counters for <c>$SYS</c> and metrics.</summary>
    public BrokerStatistics Statistics { get; } = new();

    /// <summary>The pooled messages of the publish path (see <see cref="ApplicationMessage"/> for who holds them).</summary>
    internal MessagePool MessagePool { get; } = new();

    /// <summary>Checks credentials on CONNECT; null accepts everyone (subject to <see cref="BrokerOptions.AllowAnonymous"/>).</summary>
    public IClientAuthenticator? Authenticator { get; set; }

    /// <summary>Sessions known to the broker, connected or not.</summary>
    public int SessionCount => _sessions.Count;

    /// <summary>Subscriptions across all sessions.</summary>
    public int SubscriptionCount => _router.Subscriptions.Count;

    /// <summary>Retained messages stored.</summary>
    public int RetainedCount => _retained.Count;

    internal ILogger Logger { get; }

    /// <summary>Where the "ID QOS FILTER" lines of Mosquitto's subscribe log type go.</summary>
    internal ILogger SubscribeLogger { get; }

    /// <summary>Where the "ID FILTER" lines of Mosquitto's unsubscribe log type go.</summary>
    internal ILogger UnsubscribeLogger { get; }

    /// <summary>Runs MQTT on one connection until it ends; completes the transport's reader and writer itself.</summary>
    /// <param name="transport">The connection's byte streams.</param>
    /// <param name="info">What the transport knows about the connection.</param>
    /// <param name="cancellationToken">Signals that the transport has gone away.</param>
    public Task RunConnectionAsync(IDuplexPipe transport, ConnectionInfo info, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(info);
        if (Options.ConnectionMessages && Logger.IsEnabled(LogLevel.Information))
        {
            // Mosquitto's first line for every accepted socket, before anything is known about the client.
            BrokerLog.NewConnection(Logger, info.RemoteAddress, (info.LocalEndPoint as System.Net.IPEndPoint)?.Port ?? 0);
        }

        var connection = new MqttConnection(this, transport, info);
        Statistics.CountConnectionOpened();
        _connections.TryAdd(connection, 0);
        if (_shuttingDown)
        {
            connection.RequestClose(DisconnectReason.ServerShutdown, null, "server shutting down");
        }

        return connection.RunAsync(cancellationToken);
    }

    /// <summary>
    /// Graceful shutdown: refuses new connections, sends 5.0 clients DISCONNECT 0x8B (server shutting down),
    /// flushes what is queued and waits for every connection to end.
    /// </summary>
    public async Task ShutdownAsync(CancellationToken cancellationToken)
    {
        _shuttingDown = true;
        foreach (var connection in _connections.Keys)
        {
            connection.RequestClose(DisconnectReason.ServerShutdown, Protocol.ReasonCode.ServerShuttingDown, "server shutting down");
        }

        while (!_connections.IsEmpty && !cancellationToken.IsCancellationRequested)
        {
            var pending = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _allConnectionsEnded = pending;
            if (_connections.IsEmpty)
            {
                break;
            }

            await pending.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private volatile TaskCompletionSource? _allConnectionsEnded;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await ShutdownAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        await _heartbeat.DisposeAsync().ConfigureAwait(false);
    }
}
