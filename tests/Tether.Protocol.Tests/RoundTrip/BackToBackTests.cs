using System.Buffers;
using Tether.Protocol.Tests.Support;

namespace Tether.Protocol.Tests.RoundTrip;

/// <summary>Several packets in one buffer, as a pipe delivers them, parse one after another.</summary>
public class BackToBackTests
{
    public static TheoryData<ProtocolVersion> Versions => [.. PacketCatalog.Versions];

    [Theory]
    [MemberData(nameof(Versions))]
    public void Packets_In_One_Buffer_Parse_In_Order(ProtocolVersion version)
    {
        var (bytes, expected) = Conversation(version);

        // Unknown version: the leading CONNECT sets it for the packets that follow.
        var reader = new MqttPacketReader();
        var buffer = new ReadOnlySequence<byte>(bytes);
        foreach (var dump in expected)
        {
            Assert.Equal(dump, PacketDump.Describe(Wire.ReadPacket(reader, ref buffer)));
        }

        Assert.Equal(version, reader.ProtocolVersion);
        Assert.Equal(0, buffer.Length);
        Assert.Equal(ReadStatus.NeedMoreData, reader.TryRead(ref buffer, out _, out _));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void Packets_Parse_In_Order_Whatever_The_Segmentation(ProtocolVersion version)
    {
        var (bytes, expected) = Conversation(version);

        foreach (var (segmentation, sequence) in SegmentedSequence.All(bytes))
        {
            var reader = new MqttPacketReader();
            var buffer = sequence;
            for (var i = 0; i < expected.Count; i++)
            {
                var status = reader.TryRead(ref buffer, out var packet, out var error);
                Assert.True(status == ReadStatus.Packet, $"{segmentation}, packet {i}: {status} ({error})");
                Assert.True(expected[i] == PacketDump.Describe(packet), $"{segmentation}, packet {i}: fields differ");
            }

            Assert.Equal(0, buffer.Length);
        }
    }

    [Fact]
    public void A_Packet_Followed_By_A_Partial_One_Leaves_The_Partial_One_In_The_Buffer()
    {
        var first = Wire.Write(new AckPacket(PacketType.PubAck) { PacketId = 1 }, ProtocolVersion.V311);
        var second = Wire.Write(PacketCatalog.Publish("a/b", QualityOfService.AtLeastOnce, 2, "data"), ProtocolVersion.V311);
        var reader = new MqttPacketReader(ProtocolVersion.V311);
        var buffer = new ReadOnlySequence<byte>([.. first, .. second[..^1]]);

        var ack = Assert.IsType<AckPacket>(Wire.ReadPacket(reader, ref buffer));

        Assert.Equal(1, ack.PacketId);
        Assert.Equal(second.Length - 1, buffer.Length);
        Assert.Equal(ReadStatus.NeedMoreData, reader.TryRead(ref buffer, out _, out _));
        Assert.Equal(second.Length - 1, buffer.Length);
    }

    private static (byte[] Bytes, List<string> Dumps) Conversation(ProtocolVersion version)
    {
        var names = new List<string>
        {
            "CONNECT full",
            "PUBLISH QoS 1 dup retain",
            "PUBACK plain",
            "SUBSCRIBE several filters",
            "PUBLISH two-byte remaining length",
            "PUBLISH QoS 0",
            "PUBREL plain",
            "PINGREQ",
            "UNSUBSCRIBE several filters",
            "DISCONNECT",
        };
        if (version == ProtocolVersion.V500)
        {
            names.InsertRange(1, ["AUTH all properties", "PUBLISH all properties", "PUBLISH empty topic with alias", "PUBCOMP all properties"]);
        }

        var output = new ArrayBufferWriter<byte>();
        var dumps = new List<string>();
        foreach (var name in names)
        {
            var packet = PacketCatalog.Find(version, name).Create();
            MqttPacketWriter.Write(output, packet, version);
            dumps.Add(PacketDump.Describe(packet));
        }

        return (output.WrittenSpan.ToArray(), dumps);
    }
}
