using System.Buffers;
using BenchmarkDotNet.Attributes;
using Tether.Protocol;

namespace Tether.Benchmarks;

/// <summary>PUBACK, the other packet on every QoS 1 publish: parse with a reused reader, write into a reused buffer.</summary>
[MemoryDiagnoser]
public class AckBenchmarks
{
    private readonly ArrayBufferWriter<byte> _output = new(64);
    private readonly AckPacket _pubAck = new(PacketType.PubAck) { PacketId = 4_711 };
    private MqttPacketReader _readerV311 = null!;
    private MqttPacketReader _readerV500 = null!;
    private ReadOnlySequence<byte> _pubAckV311Bytes;
    private ReadOnlySequence<byte> _pubAckV500Bytes;

    [GlobalSetup]
    public void Setup()
    {
        _pubAckV311Bytes = PublishBenchmarks.Encode(_pubAck, ProtocolVersion.V311);
        var withReason = new AckPacket(PacketType.PubAck) { PacketId = 4_711, ReasonCode = ReasonCode.NoMatchingSubscribers };
        _pubAckV500Bytes = PublishBenchmarks.Encode(withReason, ProtocolVersion.V500);
        _readerV311 = new MqttPacketReader(ProtocolVersion.V311);
        _readerV500 = new MqttPacketReader(ProtocolVersion.V500);
        if (Parse_PubAck_V311() is not AckPacket || Parse_PubAck_V500_Reason() is not AckPacket)
        {
            throw new InvalidOperationException("The benchmark packets do not parse.");
        }
    }

    [Benchmark]
    public MqttPacket? Parse_PubAck_V311()
    {
        var buffer = _pubAckV311Bytes;
        _readerV311.TryRead(ref buffer, out var packet, out _);
        return packet;
    }

    [Benchmark]
    public int Write_PubAck_V311()
    {
        _output.ResetWrittenCount();
        return MqttPacketWriter.WriteAck(_output, _pubAck, ProtocolVersion.V311);
    }

    [Benchmark]
    public MqttPacket? Parse_PubAck_V500_Reason()
    {
        var buffer = _pubAckV500Bytes;
        _readerV500.TryRead(ref buffer, out var packet, out _);
        return packet;
    }

    [Benchmark]
    public int Parse_And_Write_PubAck_V311()
    {
        var buffer = _pubAckV311Bytes;
        _readerV311.TryRead(ref buffer, out var packet, out _);
        _output.ResetWrittenCount();
        return MqttPacketWriter.Write(_output, packet!, ProtocolVersion.V311);
    }
}
