using System.Buffers;
using System.IO.Pipelines;
using System.Net.WebSockets;
using Microsoft.Extensions.Logging;
using Tether.Broker;

namespace Tether.Server;

// The bridge between one accepted WebSocket and the broker's IDuplexPipe, and the only code that touches the socket.
// - Receive pump: frames -> input pipe, byte for byte. MQTT does not care where frames end (MQTT 3.1.1 §6.0,
//   5.0 §6.0: a packet may span frames and a frame may hold several packets), so message boundaries are ignored;
//   continuation frames are just more bytes. A text frame is a protocol error: close 1003 (unsupported data).
// - Send pump: each read of the output pipe (the broker's writer flushes once per batch) goes out as ONE complete,
//   unfragmented binary message, because some clients (Paho Java) mishandle anything else. All sends, including the
//   close frame, happen on this pump, since a WebSocket allows one send at a time.
// - Close: whoever ends first records why (ITransportCloseFeature); the send pump sends the close frame once the
//   broker has completed the output, after its final MQTT 5 DISCONNECT.

/// <summary>MQTT's byte streams over one server-side WebSocket.</summary>
internal sealed class WebSocketTransport : IDuplexPipe, ITransportCloseFeature
{
    /// <summary>How long the close handshake may take before the connection is cut (a network timeout, not an MQTT rule).</summary>
    internal static readonly TimeSpan CloseHandshakeTimeout = TimeSpan.FromSeconds(5);

    private const int ReceiveChunk = 4096;

    private readonly WebSocket _socket;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _address;
    private readonly Pipe _input = new(new PipeOptions(useSynchronizationContext: false));
    private readonly Pipe _output = new(new PipeOptions(useSynchronizationContext: false));
    private TransportCloseReport? _inputEnded;

    // The close code to send: set once by whoever decides first (the receive pump for a bad frame, or the broker).
    private int _closeStatusSet;
    private WebSocketCloseStatus _closeStatus = WebSocketCloseStatus.NormalClosure;
    private string _closeDescription = string.Empty;

    public WebSocketTransport(WebSocket socket, TimeProvider time, ILogger logger, string address)
    {
        _socket = socket;
        _time = time;
        _logger = logger;
        _address = address;
    }

    public PipeReader Input => _input.Reader;

    public PipeWriter Output => _output.Writer;

    public TransportCloseReport? InputEnded => Volatile.Read(ref _inputEnded);

    public void OnBrokerClosing(DisconnectReason reason)
    {
        var status = reason switch
        {
            DisconnectReason.ServerShutdown => WebSocketCloseStatus.EndpointUnavailable, // 1001 going away
            DisconnectReason.ProtocolError => WebSocketCloseStatus.ProtocolError, // 1002
            DisconnectReason.Overload => WebSocketCloseStatus.PolicyViolation, // 1008
            _ => WebSocketCloseStatus.NormalClosure, // 1000
        };
        SetCloseStatus(status, DisconnectReasons.Name(reason));
    }

    /// <summary>Runs both pumps and the broker until the connection is over; never throws for network trouble.</summary>
    public async Task RunAsync(Func<IDuplexPipe, Task> runBroker)
    {
        var receive = ReceivePumpAsync();
        var send = SendPumpAsync();
        await runBroker(this).ConfigureAwait(false);
        await send.ConfigureAwait(false);

        // The close frame is out; give the client a moment to answer it, then cut the connection.
        if (!receive.IsCompleted)
        {
            using var timeout = new CancellationTokenSource(CloseHandshakeTimeout, _time);
            try
            {
                await receive.WaitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                _socket.Abort();
                await receive.ConfigureAwait(false);
            }
        }
    }

    private async Task ReceivePumpAsync()
    {
        await Task.Yield();
        var writer = _input.Writer;
        var brokerStoppedReading = false;
        byte[]? discard = null;
        TransportCloseReport report;
        try
        {
            while (true)
            {
                Memory<byte> memory = brokerStoppedReading ? (discard ??= new byte[ReceiveChunk]) : writer.GetMemory(ReceiveChunk);
                var result = await _socket.ReceiveAsync(memory, CancellationToken.None).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    // Echo the client's code in the answering close frame (RFC 6455 §5.5.1).
                    SetCloseStatus(_socket.CloseStatus ?? WebSocketCloseStatus.NormalClosure, string.Empty);
                    report = DescribeCloseFrame(_socket.CloseStatus, _socket.CloseStatusDescription);
                    break;
                }

                if (result.MessageType == WebSocketMessageType.Text)
                {
                    SetCloseStatus(WebSocketCloseStatus.InvalidMessageType, "MQTT needs binary frames");
                    report = new TransportCloseReport(DisconnectReason.ProtocolError, "WebSocket text frame (MQTT needs binary frames), closing with 1003");
                    break;
                }

                if (brokerStoppedReading)
                {
                    continue;
                }

                writer.Advance(result.Count);
                var flush = await writer.FlushAsync().ConfigureAwait(false);
                brokerStoppedReading = flush.IsCompleted;
            }
        }
        catch (WebSocketException e) when (e.WebSocketErrorCode == WebSocketError.ConnectionClosedPrematurely)
        {
            report = new TransportCloseReport(DisconnectReason.SocketClosed, "TCP connection closed without a WebSocket close frame");
        }
        catch (WebSocketException e) when (IsMalformedCloseFrame(e))
        {
            // Paho Java (1.1.0-1.2.5) closes with the ASCII text "1000" as the close payload, read as code 12592,
            // which .NET rejects. It is that client's normal goodbye, so it is a normal close by the client.
            report = new TransportCloseReport(DisconnectReason.WebSocketClose, "malformed close frame (invalid close code, as Paho Java sends), treated as a normal close");
        }
        catch (WebSocketException e)
        {
            report = new TransportCloseReport(DisconnectReason.ProtocolError, "WebSocket protocol error: " + (e.InnerException ?? e).Message);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            report = new TransportCloseReport(DisconnectReason.SocketError, e.Message);
        }

        WebSocketLog.Event(_logger, _address, "input ended: " + report.Detail);
        Volatile.Write(ref _inputEnded, report);
        await writer.CompleteAsync().ConfigureAwait(false);
    }

    private async Task SendPumpAsync()
    {
        await Task.Yield();
        var reader = _output.Reader;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync().ConfigureAwait(false);
                var buffer = result.Buffer;
                if (!buffer.IsEmpty)
                {
                    await SendMessageAsync(buffer).ConfigureAwait(false);
                }

                reader.AdvanceTo(buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    break;
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The connection is gone; the receive pump reports why.
            WebSocketLog.Event(_logger, _address, "send failed: " + e.Message);
        }

        await reader.CompleteAsync().ConfigureAwait(false);
        await SendCloseAsync().ConfigureAwait(false);
    }

    /// <summary>One read of the output = one unfragmented binary message.</summary>
    private async ValueTask SendMessageAsync(ReadOnlySequence<byte> buffer)
    {
        if (buffer.IsSingleSegment)
        {
            await _socket.SendAsync(buffer.First, WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None).ConfigureAwait(false);
            return;
        }

        var length = checked((int)buffer.Length);
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            buffer.CopyTo(rented);
            await _socket.SendAsync(rented.AsMemory(0, length), WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private async Task SendCloseAsync()
    {
        if (_socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            return;
        }

        using var timeout = new CancellationTokenSource(CloseHandshakeTimeout, _time);
        try
        {
            await _socket.CloseOutputAsync(_closeStatus, _closeDescription, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            WebSocketLog.Event(_logger, _address, "close frame not sent: " + e.Message);
        }
    }

    private void SetCloseStatus(WebSocketCloseStatus status, string description)
    {
        if (Interlocked.Exchange(ref _closeStatusSet, 1) == 0)
        {
            _closeStatus = status;
            _closeDescription = description;
        }
    }

    private static TransportCloseReport DescribeCloseFrame(WebSocketCloseStatus? status, string? description)
    {
        var code = status is { } s ? $"code {(int)s}" : "no code";
        var why = string.IsNullOrEmpty(description) ? string.Empty : $" \"{description}\"";
        return new TransportCloseReport(DisconnectReason.WebSocketClose, $"WebSocket close frame, {code}{why}");
    }

    /// <summary>
    /// .NET's ManagedWebSocket rejects a close frame whose status code is outside the valid ranges (RFC 6455 §7.4.2):
    /// it has already marked the close frame as received (state CloseReceived, then Closed once it has answered
    /// with 1002), and throws a Faulted WebSocketException. Any other protocol error leaves the state short of that.
    /// </summary>
    private bool IsMalformedCloseFrame(WebSocketException e) =>
        e.WebSocketErrorCode == WebSocketError.Faulted
        && _socket.State is WebSocketState.Closed or WebSocketState.CloseReceived;
}
