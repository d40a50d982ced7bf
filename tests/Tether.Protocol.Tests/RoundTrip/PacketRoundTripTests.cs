using System.Buffers;
using Tether.Protocol.Tests.Support;

namespace Tether.Protocol.Tests.RoundTrip;

/// <summary>
/// Write → parse → compare every field → write again, for every packet of <see cref="PacketCatalog"/> (every
/// packet type in 3.1, 3.1.1 and 5.0, with every property a 5.0 packet allows).
/// </summary>
public class PacketRoundTripTests
{
    public static TheoryData<ProtocolVersion, string> Cases => PacketCatalog.Rows();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Write_Then_Parse_Gives_Every_Field_Back_And_Rewrites_The_Same_Bytes(ProtocolVersion version, string name)
    {
        var expected = PacketCatalog.Find(version, name).Create();
        var bytes = Wire.Write(expected, version);

        var parsed = Wire.ReadSingle(bytes, version);

        Assert.Equal(expected.Type, parsed.Type);
        Assert.Equal(PacketDump.Describe(expected), PacketDump.Describe(parsed));
        Assert.Equal(bytes, Wire.Write(parsed, version));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void GetSize_Matches_The_Bytes_Written(ProtocolVersion version, string name)
    {
        var packet = PacketCatalog.Find(version, name).Create();

        Assert.Equal(Wire.Write(packet, version).Length, MqttPacketWriter.GetSize(packet, version));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Remaining_Length_Declares_The_Body_Exactly(ProtocolVersion version, string name)
    {
        var bytes = Wire.Write(PacketCatalog.Find(version, name).Create(), version);

        var consumed = VariableByteInteger.TryRead(bytes.AsSpan(1), out var remaining);

        Assert.True(consumed > 0);
        Assert.Equal(bytes.Length, 1 + consumed + remaining);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_Strict_Prefix_Needs_More_Data(ProtocolVersion version, string name)
    {
        var bytes = Wire.Write(PacketCatalog.Find(version, name).Create(), version);
        var reader = new MqttPacketReader(version);

        for (var length = 0; length < bytes.Length; length++)
        {
            var prefix = bytes[..length];
            AssertNeedsMoreData(reader, new ReadOnlySequence<byte>(prefix), length);
            AssertNeedsMoreData(reader, SegmentedSequence.OneBytePerSegment(prefix), length);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_Segmentation_Parses_To_The_Same_Packet(ProtocolVersion version, string name)
    {
        var expected = PacketCatalog.Find(version, name).Create();
        var bytes = Wire.Write(expected, version);
        var expectedDump = PacketDump.Describe(expected);

        // One reader for all segmentations, as on a connection: its scratch buffer is reused between packets.
        var reader = new MqttPacketReader(version);
        foreach (var (segmentation, sequence) in SegmentedSequence.All(bytes))
        {
            var buffer = sequence;
            var status = reader.TryRead(ref buffer, out var packet, out var error);

            Assert.True(status == ReadStatus.Packet, $"{segmentation}: {status} ({error})");
            Assert.Equal(0, buffer.Length);

            // Borrowed packets (PUBLISH, acks) are valid until the next read: check them now.
            Assert.True(expectedDump == PacketDump.Describe(packet), $"{segmentation}: fields differ");
            Assert.True(bytes.AsSpan().SequenceEqual(Wire.Write(packet!, version)), $"{segmentation}: rewritten bytes differ");
        }
    }

    private static void AssertNeedsMoreData(MqttPacketReader reader, ReadOnlySequence<byte> input, int length)
    {
        var buffer = input;
        var status = reader.TryRead(ref buffer, out var packet, out var error);

        Assert.True(status == ReadStatus.NeedMoreData, $"prefix of {length} bytes: {status} ({error})");
        Assert.Null(packet);
        Assert.Equal(input.Length, buffer.Length);
        Assert.Equal(input.Start, buffer.Start);
    }
}
