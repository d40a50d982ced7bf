using System.Buffers;
using System.IO.Pipelines;
using Tether.Protocol;

namespace Tether.Broker.Tests.Support;

/// <summary>
/// A byte-level MQTT client over an in-memory transport: it sends exactly the packets a test builds and
/// returns exactly what the broker sends, so tests can check the broker's behaviour packet by packet.
/// </summary>
internal sealed class TestClient : IAsyncDisposable
{
    private static readonly TimeSpan ReceiveTimeout = TimeSpan.FromSeconds(10);
    private readonly IDuplexPipe _pipe;
    private readonly MqttPacketReader _reader;

    public TestClient(IDuplexPipe pipe, Task brokerSide, ProtocolVersion version)
    {
        _pipe = pipe;
        BrokerSide = brokerSide;
        Version = version;
        _reader = new MqttPacketReader(version);
    }

    public ProtocolVersion Version { get; }

    /// <summary>The broker's task for this connection; completes when the broker has ended it.</summary>
    public Task BrokerSide { get; }

    public async Task SendAsync(MqttPacket packet)
    {
        MqttPacketWriter.Write(_pipe.Output, packet, Version);
        await _pipe.Output.FlushAsync();
    }

    public async Task SendRawAsync(params byte[] bytes)
    {
        await _pipe.Output.WriteAsync(bytes);
    }

    /// <summary>Receives the next packet; PUBLISH and acks are copied out so the test can keep them.</summary>
    public async Task<MqttPacket> ReceiveAsync()
    {
        var packet = await TryReceiveAsync(ReceiveTimeout);
        return packet ?? throw new InvalidOperationException("The broker closed the connection instead of sending a packet.");
    }

    public async Task<T> ReceiveAsync<T>() where T : MqttPacket
    {
        var packet = await ReceiveAsync();
        return packet as T ?? throw new InvalidOperationException($"Expected {typeof(T).Name} but received {packet.Type}.");
    }

    /// <summary>The next packet, or null when the broker closed the connection.</summary>
    public async Task<MqttPacket?> TryReceiveAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            var result = await _pipe.Input.ReadAsync(cts.Token);
            var buffer = result.Buffer;
            var status = _reader.TryRead(ref buffer, out var packet, out var error);
            if (status == ReadStatus.Packet)
            {
                var copy = Detach(packet!);
                _pipe.Input.AdvanceTo(buffer.Start);
                return copy;
            }

            if (status == ReadStatus.Error)
            {
                throw new InvalidOperationException($"The broker sent a malformed packet: {error}");
            }

            _pipe.Input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                return null;
            }
        }
    }

    /// <summary>Waits until the broker closes the connection, failing if it sends anything other than <paramref name="allowed"/> first.</summary>
    public async Task<List<MqttPacket>> ReceiveUntilClosedAsync()
    {
        var packets = new List<MqttPacket>();
        while (await TryReceiveAsync(ReceiveTimeout) is { } packet)
        {
            packets.Add(packet);
        }

        return packets;
    }

    /// <summary>Whether nothing arrives: checked by sending a PINGREQ and seeing PINGRESP come first (ordered stream).</summary>
    public async Task AssertNothingPendingAsync()
    {
        await SendAsync(PingReqPacket.Instance);
        var next = await ReceiveAsync();
        if (next is not PingRespPacket)
        {
            throw new InvalidOperationException($"Expected nothing before PINGRESP but received {next.Type}.");
        }
    }

    public async Task CloseAsync()
    {
        await _pipe.Output.CompleteAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _pipe.Output.CompleteAsync();
        await _pipe.Input.CompleteAsync();
    }

    private static MqttPacket Detach(MqttPacket packet)
    {
        switch (packet)
        {
            case PublishPacket publish:
                var copy = new PublishPacket
                {
                    Dup = publish.Dup,
                    QoS = publish.QoS,
                    Retain = publish.Retain,
                    Topic = publish.Topic.ToOwned(),
                    PacketId = publish.PacketId,
                    Payload = new ReadOnlySequence<byte>(publish.Payload.ToArray()),
                };
                publish.Properties.CopyTo(copy.Properties);
                return copy;
            case AckPacket ack:
                var ackCopy = new AckPacket(ack.Type) { PacketId = ack.PacketId, ReasonCode = ack.ReasonCode };
                ack.Properties.CopyTo(ackCopy.Properties);
                return ackCopy;
            default:
                return packet;
        }
    }
}
