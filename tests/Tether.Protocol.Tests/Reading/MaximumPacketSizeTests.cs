using System.Buffers;
using Tether.Protocol.Tests.Support;

namespace Tether.Protocol.Tests.Reading;

/// <summary>
/// The reader refuses a packet by its declared size, before the body arrives (5.0 §3.1.2.11.4, §4.13: 0x95
/// Packet too large), so a client cannot make the server buffer 256 MB by sending one fixed header.
/// </summary>
public class MaximumPacketSizeTests
{
    [Fact]
    public void Declared_Length_Over_The_Limit_Fails_Before_The_Body_Arrives()
    {
        // Remaining length 16,383 (FF 7F) and no body byte at all.
        var reader = new MqttPacketReader(ProtocolVersion.V500, maximumPacketSize: 100);

        var error = Wire.ReadError(reader, new ReadOnlySequence<byte>(Hex.Parse("30 FF 7F")));

        Assert.Equal(ReasonCode.PacketTooLarge, error.Code);
    }

    [Fact]
    public void Declared_Length_Over_The_Limit_Fails_When_The_Header_Is_Split()
    {
        var reader = new MqttPacketReader(ProtocolVersion.V311, maximumPacketSize: 100);

        var error = Wire.ReadError(reader, SegmentedSequence.OneBytePerSegment(Hex.Parse("30 FF FF 7F")));

        Assert.Equal(ReasonCode.PacketTooLarge, error.Code);
    }

    [Theory]
    [InlineData("10 FF 7F")] // CONNECT, before the version is known
    [InlineData("82 FF 7F")] // SUBSCRIBE
    [InlineData("00 FF 7F")] // even a reserved type: the size is checked first
    public void Applies_To_Every_Packet_Type(string hex)
    {
        var reader = new MqttPacketReader(maximumPacketSize: 100);

        Assert.Equal(ReasonCode.PacketTooLarge, Wire.ReadError(reader, new ReadOnlySequence<byte>(Hex.Parse(hex))).Code);
    }

    [Fact]
    public void Incomplete_Length_Needs_More_Data()
    {
        // 30 FF: the length continues; the reader cannot know the size yet.
        var reader = new MqttPacketReader(ProtocolVersion.V311, maximumPacketSize: 100);
        var buffer = new ReadOnlySequence<byte>(Hex.Parse("30 FF"));

        Assert.Equal(ReadStatus.NeedMoreData, reader.TryRead(ref buffer, out _, out _));
    }

    [Theory]
    [InlineData(ProtocolVersion.V311)]
    [InlineData(ProtocolVersion.V500)]
    public void A_Packet_Of_Exactly_The_Limit_Passes_And_One_Byte_More_Fails(ProtocolVersion version)
    {
        // The limit counts the whole packet, fixed header included (5.0 §3.1.2.11.4).
        var packet = PacketCatalog.Publish("a/b", QualityOfService.AtLeastOnce, 1, new string('p', 200));
        var bytes = Wire.Write(packet, version);

        var atLimit = new MqttPacketReader(version, maximumPacketSize: bytes.Length);
        var buffer = new ReadOnlySequence<byte>(bytes);
        var parsed = Assert.IsType<PublishPacket>(Wire.ReadPacket(atLimit, ref buffer));
        Assert.Equal(200, parsed.Payload.Length);

        var belowLimit = new MqttPacketReader(version, maximumPacketSize: bytes.Length - 1);
        Assert.Equal(ReasonCode.PacketTooLarge, Wire.ReadError(belowLimit, new ReadOnlySequence<byte>(bytes)).Code);
    }

    [Fact]
    public void Limit_Can_Change_Between_Packets()
    {
        // A server lowers the limit after CONNECT; the next packet is held to the new value.
        var reader = new MqttPacketReader(ProtocolVersion.V311);
        var bytes = Wire.Write(PacketCatalog.Publish("a", QualityOfService.AtMostOnce, 0, "12345"), ProtocolVersion.V311);
        var buffer = new ReadOnlySequence<byte>(bytes);
        Wire.ReadPacket(reader, ref buffer);

        reader.MaximumPacketSize = bytes.Length - 1;

        Assert.Equal(ReasonCode.PacketTooLarge, Wire.ReadError(reader, new ReadOnlySequence<byte>(bytes)).Code);
    }

    [Fact]
    public void Default_Limit_Is_The_Protocol_Maximum()
    {
        // 268,435,455 body bytes (FF FF FF 7F) is legal by default: the reader waits for them.
        var reader = new MqttPacketReader(ProtocolVersion.V311);
        var buffer = new ReadOnlySequence<byte>(Hex.Parse("30 FF FF FF 7F 00 01 61"));

        Assert.Equal(ReadStatus.NeedMoreData, reader.TryRead(ref buffer, out _, out _));
        Assert.Equal(1 + 4 + VariableByteInteger.MaxValue, MqttPacketReader.ProtocolMaximumPacketSize);
    }
}
