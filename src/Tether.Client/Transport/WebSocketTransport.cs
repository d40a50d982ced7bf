using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Net.WebSockets;

namespace Tether.Client.Transport;

/// <summary>
/// MQTT over WebSocket (ws:// and wss://), subprotocol <c>mqtt</c> (MQTT 5.0 §6, 3.1.1 §6). Each flush of
/// <see cref="Output"/> goes out as one binary message; received binary messages are concatenated into
/// <see cref="Input"/>, whatever their framing. <see cref="ClientWebSocket"/> answers pings with pongs and
/// ignores pongs, so any control frame the server sends is tolerated; this client sends none of its own
/// (MQTT keep alive is the liveness check, as on the server side).
/// </summary>
internal sealed class WebSocketTransport : IMqttTransport
{
    /// <summary>Bytes asked of the pipe per receive; WebSocket messages larger than this arrive in several reads.</summary>
    private const int ReceiveChunk = 16 * 1024;

    private readonly ClientWebSocket _socket;
    private readonly Pipe _incoming = new();
    private readonly Pipe _outgoing = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _receiving;
    private readonly Task _sending;

    private WebSocketTransport(ClientWebSocket socket)
    {
        _socket = socket;
        _receiving = ReceiveAsync();
        _sending = SendAsync();
    }

    public PipeReader Input => _incoming.Reader;

    public PipeWriter Output => _outgoing.Writer;

    public string? CloseFrameDetail { get; private set; }

    public static async Task<WebSocketTransport> ConnectAsync(Uri uri, MqttTlsOptions? tls, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        try
        {
            socket.Options.AddSubProtocol("mqtt");

            // No unsolicited pongs or pings from this side.
            socket.Options.KeepAliveInterval = TimeSpan.Zero;
            if (tls is not null)
            {
                if (TlsSettings.Validation(tls) is { } validation)
                {
                    socket.Options.RemoteCertificateValidationCallback = validation;
                }

                if (tls.ClientCertificate is not null)
                {
                    socket.Options.ClientCertificates = [tls.ClientCertificate];
                }
            }

            await socket.ConnectAsync(uri, cancellationToken).ConfigureAwait(false);
            return new WebSocketTransport(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _outgoing.Writer.CompleteAsync().ConfigureAwait(false);
        try
        {
            // Let queued bytes (a DISCONNECT) go out, then close politely; a dead peer gets a bounded wait.
            await _sending.WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or TimeoutException or ObjectDisposedException)
        {
            // Closing a broken connection: nothing more to do than abort it below.
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        _socket.Abort();
        try
        {
            await _receiving.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        await _incoming.Reader.CompleteAsync().ConfigureAwait(false);
        _socket.Dispose();
        _stopping.Dispose();
    }

    private async Task ReceiveAsync()
    {
        var writer = _incoming.Writer;
        try
        {
            while (true)
            {
                var memory = writer.GetMemory(ReceiveChunk);
                var result = await _socket.ReceiveAsync(memory, _stopping.Token).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    var detail = string.Create(CultureInfo.InvariantCulture, $"close frame {(int?)_socket.CloseStatus} {_socket.CloseStatusDescription}");
                    CloseFrameDetail = detail.TrimEnd();
                    await writer.CompleteAsync().ConfigureAwait(false);
                    return;
                }

                writer.Advance(result.Count);
                var flush = await writer.FlushAsync(_stopping.Token).ConfigureAwait(false);
                if (flush.IsCompleted)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            await writer.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException)
        {
            await writer.CompleteAsync(e).ConfigureAwait(false);
        }
    }

    private async Task SendAsync()
    {
        var reader = _outgoing.Reader;
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
                if (result.IsCompleted)
                {
                    break;
                }
            }

            await reader.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The writer side learns of it on its next flush.
            await reader.CompleteAsync(e).ConfigureAwait(false);
        }
    }

    /// <summary>One binary message: a single frame when the bytes are contiguous, else one per segment.</summary>
    private async ValueTask SendMessageAsync(ReadOnlySequence<byte> buffer)
    {
        if (buffer.IsSingleSegment)
        {
            await _socket.SendAsync(buffer.First, WebSocketMessageType.Binary, endOfMessage: true, _stopping.Token).ConfigureAwait(false);
            return;
        }

        var position = buffer.Start;
        buffer.TryGet(ref position, out var segment);
        while (true)
        {
            var current = segment;
            var last = !buffer.TryGet(ref position, out segment);
            await _socket.SendAsync(current, WebSocketMessageType.Binary, last, _stopping.Token).ConfigureAwait(false);
            if (last)
            {
                return;
            }
        }
    }
}
