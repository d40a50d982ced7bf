using System.Buffers;
using BenchmarkDotNet.Attributes;
using Tether.Protocol;

namespace Tether.Benchmarks;

/// <summary>
/// The hot path of the codec: parsing and writing PUBLISH. Parsing reuses one reader over a pre-encoded packet, as
/// a connection does; writing reuses one buffer. Both should allocate nothing.
/// </summary>
[MemoryDiagnoser]
public class PublishBenchmarks
{
    private readonly ArrayBufferWriter<byte> _output = new(1_024);
    private MqttPacketReader _readerV311 = null!;
    private MqttPacketReader _readerV500 = null!;
    private ReadOnlySequence<byte> _qos0V311Bytes;
    private ReadOnlySequence<byte> _qos1V500Bytes;
    private PublishPacket _qos0V311 = null!;
    private PublishPacket _qos1V500 = null!;

    [GlobalSetup]
    public void Setup()
    {
        var payload = new ReadOnlySequence<byte>(Enumerable.Range(0, 64).Select(i => (byte)i).ToArray());

        _qos0V311 = new PublishPacket
        {
            QoS = QualityOfService.AtMostOnce,
            Topic = "sensors/room1/temperature",
            Payload = payload,
        };

        _qos1V500 = new PublishPacket
        {
            QoS = QualityOfService.AtLeastOnce,
            PacketId = 4_711,
            Topic = "sensors/room1/temperature",
            Payload = payload,
        };
        _qos1V500.Properties.MessageExpiryInterval = 3_600;
        _qos1V500.Properties.ContentType = "application/json";
        _qos1V500.Properties.CorrelationData = Enumerable.Range(0, 16).Select(i => (byte)i).ToArray();
        _qos1V500.Properties.UserProperties.Add(new UserProperty("source", "sensor-1"));

        _qos0V311Bytes = Encode(_qos0V311, ProtocolVersion.V311);
        _qos1V500Bytes = Encode(_qos1V500, ProtocolVersion.V500);
        _readerV311 = new MqttPacketReader(ProtocolVersion.V311);
        _readerV500 = new MqttPacketReader(ProtocolVersion.V500);

        // Fail fast rather than measure an error path.
        if (Parse_Qos0_V311() is not PublishPacket || Parse_Qos1_V500_Properties() is not PublishPacket)
        {
            throw new InvalidOperationException("The benchmark packets do not parse.");
        }
    }

    [Benchmark]
    public MqttPacket? Parse_Qos0_V311()
    {
        var buffer = _qos0V311Bytes;
        _readerV311.TryRead(ref buffer, out var packet, out _);
        return packet;
    }

    [Benchmark]
    public int Write_Qos0_V311()
    {
        _output.ResetWrittenCount();
        return MqttPacketWriter.WritePublish(_output, _qos0V311, ProtocolVersion.V311);
    }

    [Benchmark]
    public MqttPacket? Parse_Qos1_V500_Properties()
    {
        var buffer = _qos1V500Bytes;
        _readerV500.TryRead(ref buffer, out var packet, out _);
        return packet;
    }

    [Benchmark]
    public int Write_Qos1_V500_Properties()
    {
        _output.ResetWrittenCount();
        return MqttPacketWriter.WritePublish(_output, _qos1V500, ProtocolVersion.V500);
    }

    internal static ReadOnlySequence<byte> Encode(MqttPacket packet, ProtocolVersion version)
    {
        var output = new ArrayBufferWriter<byte>();
        MqttPacketWriter.Write(output, packet, version);
        return new ReadOnlySequence<byte>(output.WrittenSpan.ToArray());
    }
}
