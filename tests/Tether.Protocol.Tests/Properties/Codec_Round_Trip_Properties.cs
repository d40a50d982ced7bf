using System.Buffers;
using CsCheck;
using Tether.Protocol.Fuzzing;

namespace Tether.Protocol.Tests.Properties;

/// <summary>
/// For every packet type and version, random valid packets survive write → parse → write byte for byte, the
/// parser consumes exactly the encoded packet, and it does so however the bytes are split into segments.
/// </summary>
public sealed class Codec_Round_Trip_Properties
{
    private const int Iterations = 2_000;

    private static readonly ProtocolVersion[] Versions = [ProtocolVersion.V310, ProtocolVersion.V311, ProtocolVersion.V500];

    public static TheoryData<PacketType, ProtocolVersion> Cases()
    {
        var data = new TheoryData<PacketType, ProtocolVersion>();
        foreach (var version in Versions)
        {
            foreach (var type in PacketGen.TypesOf(version))
            {
                data.Add(type, version);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Write_Parse_Write_Yields_Identical_Bytes(PacketType type, ProtocolVersion version)
    {
        PacketGen.Of(type, version).Sample(
            packet => AssertRoundTrip(packet, version, cuts: null),
            iter: Iterations,
            print: packet => Describe(packet, version));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Round_Trip_Holds_When_The_Bytes_Arrive_In_Random_Segments(PacketType type, ProtocolVersion version)
    {
        Gen.Select(PacketGen.Of(type, version), Gen.Int[0, 400].Array[1, 8]).Sample(
            (packet, cuts) => AssertRoundTrip(packet, version, cuts),
            iter: Iterations,
            print: t => $"{Describe(t.Item1, version)} cut at [{string.Join(", ", t.Item2)}]");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_Proper_Prefix_Of_A_Packet_Needs_More_Data(PacketType type, ProtocolVersion version)
    {
        Gen.Select(PacketGen.Of(type, version), Gen.Int[0, 1_000]).Sample(
            (packet, cut) =>
            {
                var encoded = Encode(packet, version);
                var prefix = new ReadOnlySequence<byte>(encoded, 0, cut % encoded.Length);
                var status = NewReader(packet, version).TryRead(ref prefix, out _, out var error);
                Assert.True(status == ReadStatus.NeedMoreData, $"{status} {error} for {cut % encoded.Length} of {encoded.Length} bytes");
            },
            iter: Iterations,
            print: t => Describe(t.Item1, version));
    }

    [Theory]
    [InlineData(ProtocolVersion.V310)]
    [InlineData(ProtocolVersion.V311)]
    [InlineData(ProtocolVersion.V500)]
    public void A_Stream_Of_Packets_In_Random_Segments_Parses_Back_To_The_Same_Bytes(ProtocolVersion version)
    {
        // CONNECT would switch the reader's version; the stream is what follows it.
        var packets = PacketGen.Any(version).Where(p => p is not ConnectPacket).Array[1, 6];
        Gen.Select(packets, Gen.Int[0, 2_000].Array[0, 12]).Sample(
            (stream, cuts) =>
            {
                var expected = new ArrayBufferWriter<byte>();
                foreach (var packet in stream)
                {
                    MqttPacketWriter.Write(expected, packet, version);
                }

                var buffer = ChunkedSequence.Create(expected.WrittenSpan, cuts);
                var reader = new MqttPacketReader(version);
                var actual = new ArrayBufferWriter<byte>();
                for (var i = 0; i < stream.Length; i++)
                {
                    var status = reader.TryRead(ref buffer, out var parsed, out var error);
                    Assert.True(status == ReadStatus.Packet, $"packet {i}: {status} {error}");

                    // PUBLISH and the acknowledgements are borrowed until the next read, so write them now.
                    MqttPacketWriter.Write(actual, parsed!, version);
                }

                Assert.True(buffer.IsEmpty, $"{buffer.Length} bytes left over");
                Assert.Equal(Convert.ToHexString(expected.WrittenSpan), Convert.ToHexString(actual.WrittenSpan));
            },
            iter: Iterations,
            print: t => string.Join(" | ", t.Item1.Select(p => Describe(p, version))));
    }

    private static void AssertRoundTrip(MqttPacket packet, ProtocolVersion version, int[]? cuts)
    {
        var first = Encode(packet, version);
        var buffer = cuts is null ? new ReadOnlySequence<byte>(first) : ChunkedSequence.Create(first, cuts);
        var reader = NewReader(packet, version);

        var status = reader.TryRead(ref buffer, out var parsed, out var error);

        Assert.True(status == ReadStatus.Packet, $"{status}: {error}");
        Assert.NotNull(parsed);
        Assert.Equal(packet.Type, parsed.Type);
        Assert.True(buffer.IsEmpty, $"{buffer.Length} bytes not consumed");
        Assert.Equal(version, reader.ProtocolVersion);
        var second = Encode(parsed, version);
        Assert.Equal(Convert.ToHexString(first), Convert.ToHexString(second));
    }

    /// <summary>A reader as a connection has it: version unknown until CONNECT, else the negotiated one.</summary>
    private static MqttPacketReader NewReader(MqttPacket packet, ProtocolVersion version) =>
        new(packet is ConnectPacket ? ProtocolVersion.Unknown : version);

    private static byte[] Encode(MqttPacket packet, ProtocolVersion version)
    {
        var output = new ArrayBufferWriter<byte>();
        MqttPacketWriter.Write(output, packet, version);
        return output.WrittenSpan.ToArray();
    }

    private static string Describe(MqttPacket packet, ProtocolVersion version)
    {
        try
        {
            return $"{packet.Type} {version}: {Convert.ToHexString(Encode(packet, version))}";
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or IndexOutOfRangeException)
        {
            return $"{packet.Type} {version}: (not encodable: {e.Message})";
        }
    }
}
