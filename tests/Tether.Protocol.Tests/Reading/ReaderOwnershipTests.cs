using System.Buffers;
using System.Runtime.InteropServices;
using Tether.Protocol.Tests.Support;

namespace Tether.Protocol.Tests.Reading;

/// <summary>
/// The ownership contract of <see cref="MqttPacketReader"/>: PUBLISH and the four acknowledgements are reused
/// instances that borrow from the input (the payload is never copied); every other packet owns its memory.
/// </summary>
public class ReaderOwnershipTests
{
    [Fact]
    public void Publish_Instance_Is_Reused_And_Reset()
    {
        var reader = new MqttPacketReader(ProtocolVersion.V500);
        var first = PacketCatalog.Find(ProtocolVersion.V500, "PUBLISH all properties").Create();
        var second = PacketCatalog.Publish("b", QualityOfService.AtMostOnce, 0, "2");
        var buffer = new ReadOnlySequence<byte>([.. Wire.Write(first, ProtocolVersion.V500), .. Wire.Write(second, ProtocolVersion.V500)]);

        var a = Wire.ReadPacket(reader, ref buffer);
        var b = Wire.ReadPacket(reader, ref buffer);

        Assert.Same(a, b);

        // Nothing of the first message (retain, QoS, properties) may leak into the second.
        Assert.Equal(PacketDump.Describe(second), PacketDump.Describe(b));
    }

    [Theory]
    [InlineData(PacketType.PubAck)]
    [InlineData(PacketType.PubRec)]
    [InlineData(PacketType.PubRel)]
    [InlineData(PacketType.PubComp)]
    public void Acknowledgement_Instances_Are_Reused_And_Reset(PacketType type)
    {
        var reader = new MqttPacketReader(ProtocolVersion.V500);
        var full = PacketCatalog.Find(ProtocolVersion.V500, $"{type.ToString().ToUpperInvariant()} all properties").Create();
        var plain = new AckPacket(type) { PacketId = 9 };
        var buffer = new ReadOnlySequence<byte>([.. Wire.Write(full, ProtocolVersion.V500), .. Wire.Write(plain, ProtocolVersion.V500)]);

        var a = Wire.ReadPacket(reader, ref buffer);
        var b = Wire.ReadPacket(reader, ref buffer);

        Assert.Same(a, b);
        Assert.Equal(PacketDump.Describe(plain), PacketDump.Describe(b));
    }

    [Fact]
    public void Publish_Payload_Is_A_Slice_Of_The_Input()
    {
        var bytes = Wire.Write(PacketCatalog.Publish("a/b", QualityOfService.AtLeastOnce, 1, "payload"), ProtocolVersion.V311);
        var reader = new MqttPacketReader(ProtocolVersion.V311);
        var buffer = new ReadOnlySequence<byte>(bytes);

        var publish = Assert.IsType<PublishPacket>(Wire.ReadPacket(reader, ref buffer));

        Assert.True(MemoryMarshal.TryGetArray(publish.Payload.First, out var segment));
        Assert.Same(bytes, segment.Array);
        Assert.Equal(bytes.Length - 7, segment.Offset);
    }

    [Fact]
    public void Publish_Payload_Spanning_Segments_Stays_In_Those_Segments()
    {
        // Header in the first segment, payload split over two more: the payload is not gathered into one buffer.
        var bytes = Wire.Write(PacketCatalog.Publish("a/b", QualityOfService.AtMostOnce, 0, "abcdefgh"), ProtocolVersion.V311);
        var input = SegmentedSequence.Create(bytes[..9], bytes[9..12], bytes[12..]);
        var reader = new MqttPacketReader(ProtocolVersion.V311);
        var buffer = input;

        var publish = Assert.IsType<PublishPacket>(Wire.ReadPacket(reader, ref buffer));

        Assert.False(publish.Payload.IsSingleSegment);
        Assert.Equal("abcdefgh"u8.ToArray(), publish.Payload.ToArray());
        Assert.Equal(input.Slice(7).Start, publish.Payload.Start);
    }

    [Theory]
    [InlineData(ProtocolVersion.V311, "CONNECT full")]
    [InlineData(ProtocolVersion.V500, "CONNECT full")]
    [InlineData(ProtocolVersion.V500, "CONNACK all properties")]
    [InlineData(ProtocolVersion.V500, "SUBSCRIBE all options and properties")]
    [InlineData(ProtocolVersion.V500, "SUBACK failures and properties")]
    [InlineData(ProtocolVersion.V500, "UNSUBSCRIBE with user properties")]
    [InlineData(ProtocolVersion.V500, "UNSUBACK reason codes and properties")]
    [InlineData(ProtocolVersion.V500, "DISCONNECT all properties")]
    [InlineData(ProtocolVersion.V500, "AUTH all properties")]
    public void Other_Packets_Own_Their_Memory(ProtocolVersion version, string name)
    {
        var expected = PacketCatalog.Find(version, name).Create();
        var bytes = Wire.Write(expected, version);
        var reader = new MqttPacketReader(version);
        var buffer = new ReadOnlySequence<byte>(bytes);

        var parsed = Wire.ReadPacket(reader, ref buffer);

        // The pipe reuses its memory once advanced; a kept packet must not change with it.
        Array.Fill(bytes, (byte)0xEE);
        var again = new ReadOnlySequence<byte>(Wire.Write(expected, version));
        Wire.ReadPacket(reader, ref again);
        Assert.Equal(PacketDump.Describe(expected), PacketDump.Describe(parsed));
    }

    [Fact]
    public void Borrowed_Publish_Copied_With_ToOwned_Survives_The_Input()
    {
        var expected = PacketCatalog.Find(ProtocolVersion.V500, "PUBLISH all properties").Create();
        var bytes = Wire.Write(expected, ProtocolVersion.V500);
        var reader = new MqttPacketReader(ProtocolVersion.V500);
        var buffer = new ReadOnlySequence<byte>(bytes);

        var publish = Assert.IsType<PublishPacket>(Wire.ReadPacket(reader, ref buffer));
        var properties = publish.Properties.ToOwned();
        var topic = publish.Topic.ToOwned();
        Array.Fill(bytes, (byte)0xEE);

        Assert.Equal(PacketDump.Describe(((PublishPacket)expected).Properties), PacketDump.Describe(properties));
        Assert.Equal("sensors/room-1/temperature", topic.ToString());
    }

    [Fact]
    public void ToOwned_Keeps_Absent_Binary_Properties_Absent()
    {
        // Regression: CopyTo used `CorrelationData?.ToArray()`, whose null byte[] converted to an empty but
        // present ReadOnlyMemory. A forwarded copy then carried "09 00 00" and "16 00 00" (authentication data,
        // not allowed in PUBLISH, §2.2.2.2) that the original never had.
        var properties = new MqttProperties { MessageExpiryInterval = 5 };

        var copy = properties.ToOwned();

        Assert.Null(copy.CorrelationData);
        Assert.Null(copy.AuthenticationData);
        Assert.Equal(PacketDump.Describe(properties), PacketDump.Describe(copy));
    }

    [Fact]
    public void ToOwned_Copy_Of_A_Parsed_Publish_Rewrites_To_The_Same_Bytes()
    {
        var original = PacketCatalog.Publish("a/b", QualityOfService.AtLeastOnce, 1, "x");
        original.Properties.ContentType = "text/plain";
        var bytes = Wire.Write(original, ProtocolVersion.V500);
        var reader = new MqttPacketReader(ProtocolVersion.V500);
        var buffer = new ReadOnlySequence<byte>(bytes);
        var parsed = Assert.IsType<PublishPacket>(Wire.ReadPacket(reader, ref buffer));

        var copy = PacketCatalog.Publish("a/b", QualityOfService.AtLeastOnce, 1, "x");
        parsed.Properties.CopyTo(copy.Properties);

        Assert.Equal(bytes, Wire.Write(copy, ProtocolVersion.V500));
    }
}
