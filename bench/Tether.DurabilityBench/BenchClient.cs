using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Tether.Protocol;

namespace Tether.DurabilityBench;

/// <summary>
/// A minimal MQTT 3.1.1 client on Tether's own codec: it keeps a window of QoS 1 PUBLISH in flight and times each
/// one from the moment it is written until its PUBACK arrives. A full client library would add its own queueing
/// to every figure.
/// </summary>
internal sealed class BenchClient : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly PipeReader _input;
    private readonly MqttPacketReader _reader = new(ProtocolVersion.V311);
    private readonly ArrayBufferWriter<byte> _output = new(4096);

    private BenchClient(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _input = PipeReader.Create(_stream);
    }

    public static async Task<BenchClient> ConnectAsync(IPEndPoint endPoint, string clientId, bool cleanSession, CancellationToken cancellationToken)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(endPoint, cancellationToken).ConfigureAwait(false);
        var client = new BenchClient(socket);
        await client.SendAsync(new ConnectPacket { ClientId = clientId, CleanSession = cleanSession, KeepAliveSeconds = 600 }, cancellationToken).ConfigureAwait(false);
        if (await client.ReceiveAsync(cancellationToken).ConfigureAwait(false) is not ConnAckPacket)
        {
            throw new InvalidOperationException("no CONNACK");
        }

        return client;
    }

    public async Task SubscribeAsync(string filter, CancellationToken cancellationToken)
    {
        var subscribe = new SubscribePacket { PacketId = 1 };
        subscribe.Subscriptions.Add(new TopicSubscription(filter, QualityOfService.AtLeastOnce));
        await SendAsync(subscribe, cancellationToken).ConfigureAwait(false);
        if (await ReceiveAsync(cancellationToken).ConfigureAwait(false) is not SubAckPacket)
        {
            throw new InvalidOperationException("no SUBACK");
        }
    }

    public Task DisconnectAsync(CancellationToken cancellationToken) => SendAsync(new DisconnectPacket(), cancellationToken);

    /// <summary>Publishes <paramref name="count"/> QoS 1 messages over <paramref name="topics"/> with at most <paramref name="window"/> in flight; records each acknowledgement latency in ticks.</summary>
    public async Task PublishAsync(string[] topics, int topicOffset, int count, int window, byte[] payload, long[] latencies, int latencyOffset, CancellationToken cancellationToken)
    {
        var sentAt = new long[ushort.MaxValue + 1];
        var utf8Topics = topics.Select(Utf8Text.FromString).ToArray();
        // Every message differs (its number in the first 8 bytes), as real traffic does, so that the broker cannot
        // share equal messages (it does at restore) and flatter the memory figures.
        var body = payload.ToArray();
        var publish = new PublishPacket { QoS = QualityOfService.AtLeastOnce, Payload = new ReadOnlySequence<byte>(body) };
        var sent = 0;
        var acknowledged = 0;
        ushort nextId = 0;
        while (acknowledged < count)
        {
            // Fill the window, one write for the lot.
            _output.ResetWrittenCount();
            while (sent < count && sent - acknowledged < window)
            {
                nextId = nextId == ushort.MaxValue ? (ushort)1 : (ushort)(nextId + 1);
                publish.PacketId = nextId;
                publish.Topic = utf8Topics[(topicOffset + sent) % utf8Topics.Length];
                if (body.Length >= sizeof(long))
                {
                    BinaryPrimitives.WriteInt64LittleEndian(body, (long)latencyOffset + sent);
                }

                MqttPacketWriter.Write(_output, publish, ProtocolVersion.V311);
                sentAt[nextId] = Stopwatch.GetTimestamp();
                sent++;
            }

            if (_output.WrittenCount > 0)
            {
                await _stream.WriteAsync(_output.WrittenMemory, cancellationToken).ConfigureAwait(false);
            }

            var packet = await ReceiveAsync(cancellationToken).ConfigureAwait(false);
            if (packet is AckPacket { Type: PacketType.PubAck } ack)
            {
                latencies[latencyOffset + acknowledged] = Stopwatch.GetTimestamp() - sentAt[ack.PacketId];
                acknowledged++;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _input.CompleteAsync().ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
        _socket.Dispose();
    }

    private async Task SendAsync(MqttPacket packet, CancellationToken cancellationToken)
    {
        _output.ResetWrittenCount();
        MqttPacketWriter.Write(_output, packet, ProtocolVersion.V311);
        await _stream.WriteAsync(_output.WrittenMemory, cancellationToken).ConfigureAwait(false);
    }

    private async Task<MqttPacket> ReceiveAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await _input.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var status = _reader.TryRead(ref buffer, out var packet, out var error);
            if (status == ReadStatus.Packet)
            {
                _input.AdvanceTo(buffer.Start);
                return packet!;
            }

            if (status == ReadStatus.Error)
            {
                throw new InvalidOperationException("malformed packet from the broker: " + error);
            }

            _input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                throw new EndOfStreamException("the broker closed the connection");
            }
        }
    }
}
