using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Net.WebSockets;
using Tether.Protocol;

namespace Tether.Bench;

/// <summary>
/// One MQTT client connection of the load generator: a TCP socket (or a WebSocket carrying binary frames) behind
/// a pipe pair, with the project's own codec. The handshake helpers allocate; the hot loops of
/// <see cref="BenchPublisher"/> and <see cref="BenchSubscriber"/> use <see cref="Input"/>, <see cref="Output"/>
/// and <see cref="Reader"/> directly.
/// </summary>
internal sealed class BenchConnection : IAsyncDisposable
{
    // Large buffers so that one flush carries many PUBLISH and one read returns many.
    private const int BufferSize = 64 * 1024;

    private readonly Stream _stream;

    private BenchConnection(Stream stream, ProtocolVersion version)
    {
        _stream = stream;
        Version = version;
        Reader = new MqttPacketReader(version);
        Input = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: BufferSize, minimumReadSize: 4096, leaveOpen: true));
        Output = PipeWriter.Create(stream, new StreamPipeWriterOptions(minimumBufferSize: BufferSize, leaveOpen: true));
    }

    public ProtocolVersion Version { get; }

    public PipeReader Input { get; }

    public PipeWriter Output { get; }

    public MqttPacketReader Reader { get; }

    /// <summary>Opens the transport and completes CONNECT/CONNACK (clean session, keep alive 0).</summary>
    public static async Task<BenchConnection> ConnectAsync(BenchEndpoint endpoint, ProtocolVersion version, string clientId, CancellationToken cancellationToken)
    {
        var stream = await OpenStreamAsync(endpoint, cancellationToken).ConfigureAwait(false);
        var connection = new BenchConnection(stream, version);
        try
        {
            var connect = new ConnectPacket { ProtocolVersion = version, CleanSession = true, KeepAliveSeconds = 0, ClientId = clientId };
            MqttPacketWriter.Write(connection.Output, connect, version);
            await connection.Output.FlushAsync(cancellationToken).ConfigureAwait(false);
            var reply = await connection.ReadControlPacketAsync(cancellationToken).ConfigureAwait(false);
            if (reply is not ConnAckPacket connAck || connAck.ReasonCode != ReasonCode.Success)
            {
                throw new BenchException($"The broker refused the connection of {clientId}: {(reply as ConnAckPacket)?.ReasonCode.ToString() ?? reply.Type.ToString()}.");
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Subscribes to one filter and waits for the SUBACK.</summary>
    public async Task SubscribeAsync(string filter, QualityOfService qos, CancellationToken cancellationToken)
    {
        var subscribe = new SubscribePacket { PacketId = 1 };
        subscribe.Subscriptions.Add(new TopicSubscription(filter, qos));
        MqttPacketWriter.Write(Output, subscribe, Version);
        await Output.FlushAsync(cancellationToken).ConfigureAwait(false);
        var reply = await ReadControlPacketAsync(cancellationToken).ConfigureAwait(false);
        if (reply is not SubAckPacket subAck || subAck.ReasonCodes.Count != 1 || (byte)subAck.ReasonCodes[0] >= 0x80)
        {
            throw new BenchException($"The broker refused the subscription to {filter}.");
        }
    }

    /// <summary>Sends DISCONNECT (errors ignored: the run is over); the broker then closes the connection.</summary>
    public async Task DisconnectAsync()
    {
        try
        {
            MqttPacketWriter.Write(Output, new DisconnectPacket(), Version);
            await Output.FlushAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException or NotSupportedException or WebSocketException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Output.CompleteAsync().ConfigureAwait(false);
        await Input.CompleteAsync().ConfigureAwait(false);
        try
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or WebSocketException or ObjectDisposedException)
        {
        }
    }

    private static async Task<Stream> OpenStreamAsync(BenchEndpoint endpoint, CancellationToken cancellationToken)
    {
        if (endpoint.WebSocketUri is { } uri)
        {
            var webSocket = new ClientWebSocket();
            try
            {
                webSocket.Options.AddSubProtocol("mqtt");
                await webSocket.ConnectAsync(uri, cancellationToken).ConfigureAwait(false);
                return WebSocketStream.Create(webSocket, WebSocketMessageType.Binary, ownsWebSocket: true);
            }
            catch
            {
                webSocket.Dispose();
                throw;
            }
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endpoint.Host, endpoint.Port, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Reads the next packet during the handshake (the reply to CONNECT or SUBSCRIBE).</summary>
    private async Task<MqttPacket> ReadControlPacketAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await Input.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var status = Reader.TryRead(ref buffer, out var packet, out var error);
            if (status == ReadStatus.Packet)
            {
                Input.AdvanceTo(buffer.Start);
                return packet!;
            }

            if (status == ReadStatus.Error)
            {
                throw new BenchException("The broker sent a malformed packet: " + error.Message);
            }

            Input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                throw new BenchException("The broker closed the connection during the handshake.");
            }
        }
    }
}
