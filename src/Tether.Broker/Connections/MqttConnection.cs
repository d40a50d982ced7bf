using System.Buffers;
using System.IO.Pipelines;
using Microsoft.Extensions.Logging;
using Tether.Protocol;

namespace Tether.Broker;

/// <summary>
/// One client connection: a read loop that parses and handles packets, and an on-demand drain that writes the
/// outbound queue into the transport, flushing once per batch. Anything that wants to send (the router on a
/// publisher's thread, the heartbeat, this connection's own read loop) only enqueues; the drain alone touches
/// the output pipe, so a stalled client blocks nobody but itself.
/// </summary>
internal sealed partial class MqttConnection
{
    /// <summary>How long a socket may stay open without sending CONNECT.</summary>
    internal static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    /// <summary>How long the writer gets to flush a final DISCONNECT before the transport is abandoned.</summary>
    private static readonly TimeSpan CloseFlushTimeout = TimeSpan.FromSeconds(5);

    private readonly MqttBroker _broker;
    private readonly IDuplexPipe _transport;
    private readonly MqttPacketReader _reader;

    private int _closeRequested;
    private int _queuedQoS0;
    private long _lastReceivedTimestamp;
    private volatile ConnectionState _state;
    private string? _closeDetail;

    public MqttConnection(MqttBroker broker, IDuplexPipe transport, ConnectionInfo info)
    {
        _broker = broker;
        _transport = transport;
        Info = info;
        var maximumPacketSize = broker.Options.MaxPacketSize > 0 ? broker.Options.MaxPacketSize : MqttPacketReader.ProtocolMaximumPacketSize;
        _reader = new MqttPacketReader(ProtocolVersion.Unknown, maximumPacketSize);
        _lastReceivedTimestamp = broker.Time.GetTimestamp();
        OpenedTimestamp = _lastReceivedTimestamp;
    }

    public ConnectionInfo Info { get; }

    /// <summary>The client id once CONNECT has been accepted, else null.</summary>
    public string? ClientId { get; private set; }

    /// <summary>The client id for log lines.</summary>
    public string DisplayName => ClientId ?? (string.IsNullOrEmpty(_requestedClientId) ? "<unknown>" : _requestedClientId);

    /// <summary>The client id a CONNECT asked for, for log lines about a CONNECT that was refused.</summary>
    private string? _requestedClientId;

    public ProtocolVersion ProtocolVersion { get; private set; }

    public Session? Session { get; private set; }

    /// <summary>Effective keep alive in seconds (the client's, or the server keep alive imposed on a 5.0 client).</summary>
    public ushort KeepAliveSeconds { get; private set; }

    public long OpenedTimestamp { get; }

    public bool IsConnected => _state == ConnectionState.Connected;

    public DisconnectReason CloseReason { get; private set; }

    public bool IsClosing => Volatile.Read(ref _closeRequested) != 0;

    private bool IsV5 => ProtocolVersion == ProtocolVersion.V500;

    /// <summary>Runs the connection until it ends; never throws.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        // The transport's "closed" signal is deliberately not used to stop reading: a client that sends its last
        // packets and DISCONNECT and then closes the socket at once must still have those packets handled. The
        // input pipe reports completion after it has delivered everything that arrived.
        _ = cancellationToken;
        try
        {
            await ReadLoopAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
            RequestClose(DisconnectReason.SocketError, null, ex.Message);
        }
        catch (Exception ex)
        {
            BrokerLog.ConnectionFailed(_broker.Logger, DisplayName, Info.RemoteAddress, ex);
            RequestClose(DisconnectReason.SocketError, null, ex.Message);
        }

        // The read loop only ends once a close was requested (by it or by someone else); let the writer finish.
        RequestClose(DisconnectReason.SocketClosed, null, "connection closed");
        try
        {
            await WriterDone.Task.WaitAsync(CloseFlushTimeout, _broker.Time, CancellationToken.None).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _transport.Output.CancelPendingFlush();
        }

        await _transport.Input.CompleteAsync().ConfigureAwait(false);
        _broker.OnConnectionEnded(this);
    }

    private async Task ReadLoopAsync()
    {
        var input = _transport.Input;
        while (true)
        {
            var result = await input.ReadAsync().ConfigureAwait(false);
            if (result.IsCanceled || IsClosing)
            {
                input.AdvanceTo(result.Buffer.Start);
                return;
            }

            var buffer = result.Buffer;
            if (!buffer.IsEmpty)
            {
                Volatile.Write(ref _lastReceivedTimestamp, _broker.Time.GetTimestamp());
            }

            var stop = ProcessPackets(ref buffer);
            input.AdvanceTo(buffer.Start, buffer.End);
            if (stop || IsClosing)
            {
                return;
            }

            if (result.IsCompleted)
            {
                if (Info.CloseFeature?.InputEnded is { } report)
                {
                    RequestClose(report.Reason, null, buffer.IsEmpty ? report.Detail : report.Detail + ", in the middle of a packet");
                }
                else
                {
                    RequestClose(DisconnectReason.SocketClosed, null, buffer.IsEmpty ? "closed by the client" : "closed by the client in the middle of a packet");
                }

                return;
            }
        }
    }

    /// <summary>Parses and handles every whole packet in the buffer. Returns true when the connection must stop reading.</summary>
    private bool ProcessPackets(ref ReadOnlySequence<byte> buffer)
    {
        while (true)
        {
            var before = buffer.Length;
            var status = _reader.TryRead(ref buffer, out var packet, out var error);
            if (status == ReadStatus.NeedMoreData)
            {
                return false;
            }

            if (status == ReadStatus.Error)
            {
                OnProtocolError(error);
                return true;
            }

            _broker.Statistics.CountPacketReceived((int)(before - buffer.Length));
            HandlePacket(packet!);
            if (IsClosing)
            {
                return true;
            }
        }
    }

    /// <summary>The time of the last byte received, for keep alive.</summary>
    public long LastReceivedTimestamp => Volatile.Read(ref _lastReceivedTimestamp);

    /// <summary>
    /// Ends the connection: records why (the first reason wins), queues a 5.0 DISCONNECT with
    /// <paramref name="disconnectCode"/> if the client is connected and speaks 5.0, and wakes the read loop.
    /// Safe to call from any thread, any number of times.
    /// </summary>
    public bool RequestClose(DisconnectReason reason, ReasonCode? disconnectCode, string detail)
    {
        if (Interlocked.Exchange(ref _closeRequested, 1) != 0)
        {
            return false;
        }

        CloseReason = reason;
        _closeDetail = detail;
        Info.CloseFeature?.OnBrokerClosing(reason);
        MqttPacket? final = null;
        if (disconnectCode is { } code && IsV5 && _state == ConnectionState.Connected)
        {
            final = new DisconnectPacket { ReasonCode = code };
        }

        EnqueueClose(OutboundItem.ForClose(final));
        _transport.Input.CancelPendingRead();
        return true;
    }

    /// <summary>What to say about the ending in the log.</summary>
    public string CloseDetail => _closeDetail ?? string.Empty;

    private void OnProtocolError(ProtocolError error)
    {
        if (_state == ConnectionState.AwaitingConnect)
        {
            // A CONNECT we could not accept: 5.0 clients get a CONNACK with the reason [MQTT-3.1.4-1 ff.], and an
            // unknown protocol level gets the 3.1.1 "unacceptable protocol version" answer [MQTT-3.1.2-2].
            if (error.Code == ReasonCode.UnsupportedProtocolVersion)
            {
                ProtocolVersion = ProtocolVersion.V311;
                EnqueuePacket(new ConnAckPacket { ReasonCode = ReasonCode.UnsupportedProtocolVersion });
            }
            else if (_reader.ProtocolVersion == ProtocolVersion.V500)
            {
                ProtocolVersion = ProtocolVersion.V500;
                EnqueuePacket(new ConnAckPacket { ReasonCode = error.Code });
            }
        }

        // The disconnect line written when the connection ends carries this detail: one line per ending.
        RequestClose(DisconnectReason.ProtocolError, error.Code, $"0x{(byte)error.Code:X2} {error.Code}: {error.Message}");
    }

    /// <summary>Closes the connection for a protocol violation found while handling a well-formed packet.</summary>
    private void Violation(ReasonCode code, string message) => OnProtocolError(new ProtocolError(code, message));

    private enum ConnectionState
    {
        AwaitingConnect,
        Connected,
    }
}
