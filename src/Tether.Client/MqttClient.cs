using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tether.Protocol;

namespace Tether.Client;

/// <summary>
/// An MQTT 3.1.1 / 5.0 client that stays connected: after a lost connection it reconnects with exponential backoff
/// and jitter, subscribes again when the server kept no session, resends unacknowledged QoS 1 and 2 publishes with
/// DUP, and sends publishes made while offline in order once it is back.
/// </summary>
/// <remarks>
/// Received messages go to <see cref="MessageReceivedAsync"/> when it is set, otherwise to
/// <see cref="ReadMessagesAsync"/>. Either way they are handed over one at a time in arrival order, and a slow
/// consumer slows reading from the server (the acknowledgement of a QoS 1 or 2 message is sent after hand-over).
/// </remarks>
public sealed partial class MqttClient : IAsyncDisposable
{
    private readonly MqttClientOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly string _endpoint;
    private readonly Lock _gate = new();
    private readonly OutboundQueue _queue;
    private readonly Channel<MqttApplicationMessage> _received;

    // Session state that outlives a connection (MQTT 5.0 §4.1: the client's side of the session).
    private readonly Dictionary<string, Protocol.TopicSubscription> _subscriptions = new(StringComparer.Ordinal);
    private readonly Dictionary<ushort, OutgoingPublish> _inflight = [];
    private readonly HashSet<ushort> _incomingExactlyOnce = [];
    private readonly Dictionary<ushort, TaskCompletionSource<MqttPacket>> _requests = [];
    private ushort _lastPacketId;
    private long _inflightSequence;
    private int _receiveMaximum = ushort.MaxValue;

    private Connection? _connection;
    private CancellationTokenSource _lifetime = new();
    private int _reconnecting;
    private Task _reconnectLoop = Task.CompletedTask;
    private bool _closedByUser;
    private bool _disposed;

    // Received QoS 1 and 2 messages handed to the consumer whose acknowledgement is not queued yet.
    private int _acknowledgementsInProgress;

    /// <summary>Creates a client; nothing is opened until <see cref="ConnectAsync"/>.</summary>
    public MqttClient(MqttClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.ProtocolVersion is not (ProtocolVersion.V310 or ProtocolVersion.V311 or ProtocolVersion.V500))
        {
            throw new ArgumentException("ProtocolVersion must be V310, V311 or V500.", nameof(options));
        }

        _options = options;
        _time = options.TimeProvider;
        _logger = options.LoggerFactory?.CreateLogger<MqttClient>() ?? NullLogger<MqttClient>.Instance;
        _endpoint = options.Uri?.ToString() ?? options.Host + ":" + (options.Port > 0 ? options.Port : options.UseTls ? 8883 : 1883);
        _queue = new OutboundQueue(options.OfflineQueueLimit);
        _received = Channel.CreateBounded<MqttApplicationMessage>(new BoundedChannelOptions(Math.Max(1, options.ReceiveBufferLimit))
        {
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>A connection was accepted (first connect or reconnect), after subscriptions were restored.</summary>
    public event EventHandler<MqttConnectedEventArgs>? Connected;

    /// <summary>A connection ended; the arguments say why and whether the client will reconnect.</summary>
    public event EventHandler<MqttDisconnectedEventArgs>? Disconnected;

    /// <summary>The client is waiting before its next reconnect attempt.</summary>
    public event EventHandler<MqttReconnectingEventArgs>? Reconnecting;

    /// <summary>
    /// When set, each received message is passed here (awaited, in order) instead of to <see cref="ReadMessagesAsync"/>.
    /// An exception thrown by the handler is logged and the message counts as handled.
    /// </summary>
    public Func<MqttApplicationMessage, CancellationToken, Task>? MessageReceivedAsync { get; set; }

    /// <summary>The options the client was created with.</summary>
    public MqttClientOptions Options => _options;

    /// <summary>Whether a connection is open and accepted.</summary>
    public bool IsConnected => Volatile.Read(ref _connection) is { IsLost: false };

    /// <summary>The client id in use (the server's assignment when the options left it empty).</summary>
    public string ClientId { get; private set; } = string.Empty;

    /// <summary>Publishes waiting to be sent (the offline queue).</summary>
    public int QueuedCount => _queue.Count;

    /// <summary>
    /// Opens the connection and waits for CONNACK. Throws <see cref="MqttConnectException"/> when the server refuses,
    /// or the transport's exception when the server cannot be reached; later losses are handled by reconnecting.
    /// </summary>
    public async Task<MqttConnectResult> ConnectAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (IsConnected || Volatile.Read(ref _reconnecting) != 0)
        {
            throw new InvalidOperationException("The client is already connected or reconnecting.");
        }

        lock (_gate)
        {
            _closedByUser = false;
            if (_lifetime.IsCancellationRequested)
            {
                _lifetime.Dispose();
                _lifetime = new CancellationTokenSource();
            }
        }

        return await OpenAsync(isReconnect: false, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends DISCONNECT (normal disconnection, so the server discards the will) and closes the connection.
    /// Stops reconnecting; publishes still queued or unacknowledged fail with <see cref="MqttClientException"/>.
    /// </summary>
    public async Task DisconnectAsync(CancellationToken cancellationToken = default)
    {
        Connection? connection;
        lock (_gate)
        {
            _closedByUser = true;
            connection = _connection;
        }

        await _lifetime.CancelAsync().ConfigureAwait(false);

        // The loop ends at its next wait (it catches the cancellation); after this no reconnect is under way.
        await _reconnectLoop.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (connection is not null && !connection.IsLost)
        {
            await AcknowledgementsQueuedAsync().ConfigureAwait(false);
            try
            {
                var disconnect = new DisconnectPacket { ReasonCode = ReasonCode.Success };
                await WriteAsync(connection, disconnect, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or MqttClientException or ObjectDisposedException)
            {
                // Already broken: closing is all that is left.
            }

            await CloseAsync(connection, new MqttDisconnectedEventArgs(MqttDisconnectKind.ClientDisconnect, "the client disconnected")).ConfigureAwait(false);
        }

        FailPending(new MqttClientException("The client disconnected before the message was sent and acknowledged."));
        ClientLog.Disconnected(_logger, _endpoint);
    }

    /// <summary>
    /// Lets the receive loop queue the acknowledgement of a message the consumer may already hold (a few instructions
    /// after the hand-over), so that the DISCONNECT queued next goes out after it: mosquitto_sub -C 1 acknowledges the
    /// message it exits on, and so must we. Bounded, for a loop still waiting to hand over a message nobody reads.
    /// </summary>
    private async ValueTask AcknowledgementsQueuedAsync()
    {
        for (var attempt = 0; attempt < 1000 && Volatile.Read(ref _acknowledgementsInProgress) > 0; attempt++)
        {
            await Task.Yield();
        }
    }

    /// <summary>Received messages in arrival order, for as long as the client exists (unless <see cref="MessageReceivedAsync"/> is set).</summary>
    public IAsyncEnumerable<MqttApplicationMessage> ReadMessagesAsync(CancellationToken cancellationToken = default) =>
        _received.Reader.ReadAllAsync(cancellationToken);

    /// <summary>Disconnects (see <see cref="DisconnectAsync"/>) and ends <see cref="ReadMessagesAsync"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            await DisconnectAsync(timeout.Token).ConfigureAwait(false);
        }

        _disposed = true;
        _received.Writer.TryComplete();
        _lifetime.Dispose();
    }

    private void FailPending(Exception reason)
    {
        List<OutgoingPublish> failed;
        lock (_gate)
        {
            failed = [.. _inflight.Values];
            _inflight.Clear();
        }

        failed.AddRange(_queue.Drain());
        foreach (var item in failed)
        {
            item.Completion.TrySetException(reason);
        }

        SignalWindow();
    }

    private void Raise<TArgs>(EventHandler<TArgs>? handler, TArgs args)
    {
        try
        {
            handler?.Invoke(this, args);
        }
#pragma warning disable CA1031 // An application's handler must not take the client's connection down with it.
        catch (Exception e)
#pragma warning restore CA1031
        {
            ClientLog.HandlerFailed(_logger, e);
        }
    }

    private static string VersionName(ProtocolVersion version) => version switch
    {
        ProtocolVersion.V310 => "3.1",
        ProtocolVersion.V311 => "3.1.1",
        _ => "5.0",
    };
}
