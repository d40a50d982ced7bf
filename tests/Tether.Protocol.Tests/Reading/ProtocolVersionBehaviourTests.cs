using System.Buffers;
using Tether.Protocol.Tests.Support;

namespace Tether.Protocol.Tests.Reading;

/// <summary>What changes between MQTT 3.1, 3.1.1 and 5.0 on the wire, and how CONNECT selects the version.</summary>
public class ProtocolVersionBehaviourTests
{
    [Fact]
    public void Publish_311_Has_No_Properties_So_The_Bytes_After_The_Topic_Are_Payload()
    {
        // In 5.0, "02 01 01" would be a property list (payload format indicator 1); 3.1.1 §3.3.3 has none.
        var bytes = Hex.Parse("30 0A  00 03 61 2F 62  02 01 01  68 69");

        var v311 = Assert.IsType<PublishPacket>(Wire.ReadSingle(bytes, ProtocolVersion.V311));
        Assert.True(v311.Properties.IsEmpty);
        Assert.Equal(Hex.Parse("02 01 01 68 69"), v311.Payload.ToArray());

        var v500 = Assert.IsType<PublishPacket>(Wire.ReadSingle(bytes, ProtocolVersion.V500));
        Assert.Equal((byte)1, v500.Properties.PayloadFormatIndicator);
        Assert.Equal("hi"u8.ToArray(), v500.Payload.ToArray());
    }

    [Theory]
    [InlineData(ProtocolVersion.V310)]
    [InlineData(ProtocolVersion.V311)]
    public void Writer_Leaves_Properties_Out_Before_50(ProtocolVersion version)
    {
        var plain = PacketCatalog.Publish("a/b", QualityOfService.AtLeastOnce, 1, "x");
        var withProperties = PacketCatalog.Publish("a/b", QualityOfService.AtLeastOnce, 1, "x");
        withProperties.Properties.MessageExpiryInterval = 10;
        PacketCatalog.AddUserProperties(withProperties.Properties);

        Assert.Equal(Wire.Write(plain, version), Wire.Write(withProperties, version));
    }

    [Theory]
    [InlineData(ProtocolVersion.V310)]
    [InlineData(ProtocolVersion.V311)]
    public void Writer_Drops_50_Only_Fields_Of_Acknowledgements_And_Disconnect(ProtocolVersion version)
    {
        var ack = new AckPacket(PacketType.PubAck) { PacketId = 5, ReasonCode = ReasonCode.QuotaExceeded };
        ack.Properties.ReasonString = "full";
        var disconnect = new DisconnectPacket { ReasonCode = ReasonCode.ServerShuttingDown };

        Assert.Equal(Hex.Parse("40 02 00 05"), Wire.Write(ack, version));
        Assert.Equal(Hex.Parse("E0 00"), Wire.Write(disconnect, version));
    }

    [Theory]
    [InlineData(ProtocolVersion.V310)]
    [InlineData(ProtocolVersion.V311)]
    [InlineData(ProtocolVersion.V500)]
    public void Connect_Sets_The_Reader_Version(ProtocolVersion version)
    {
        var bytes = Wire.Write(new ConnectPacket { ProtocolVersion = version, ClientId = "c" }, version);

        foreach (var initial in new[] { ProtocolVersion.Unknown, ProtocolVersion.V311, ProtocolVersion.V500 })
        {
            var reader = new MqttPacketReader(initial);
            var buffer = new ReadOnlySequence<byte>(bytes);
            var connect = Assert.IsType<ConnectPacket>(Wire.ReadPacket(reader, ref buffer));

            Assert.Equal(version, connect.ProtocolVersion);
            Assert.Equal(version, reader.ProtocolVersion);
        }
    }

    [Fact]
    public void Connect_Sets_The_Version_Even_When_It_Fails_Later()
    {
        // A 5.0 CONNECT with the reserved flag set: the error is answered with a 5.0 CONNACK, so the reader
        // must already know the version (see MqttPacketReader.ProtocolVersion).
        var reader = new MqttPacketReader();

        Wire.ReadError(reader, new ReadOnlySequence<byte>(Hex.Parse("10 0D 00 04 4D 51 54 54 05 03 00 3C 00 00 00")));

        Assert.Equal(ProtocolVersion.V500, reader.ProtocolVersion);
    }

    [Fact]
    public void Unsupported_Level_Leaves_The_Version_Unknown()
    {
        var reader = new MqttPacketReader();

        var error = Wire.ReadError(reader, new ReadOnlySequence<byte>(Hex.Parse("10 0C 00 04 4D 51 54 54 06 02 00 3C 00 00")));

        Assert.Equal(ReasonCode.UnsupportedProtocolVersion, error.Code);
        Assert.Equal(ProtocolVersion.Unknown, reader.ProtocolVersion);
    }

    [Theory]
    [InlineData("00 06 4D 51 49 73 64 70  83", ProtocolVersion.V310)]
    [InlineData("00 04 4D 51 54 54  84", ProtocolVersion.V311)]
    [InlineData("00 04 4D 51 54 54  85", ProtocolVersion.V500)]
    public void Bridge_Bit_On_The_Protocol_Level_Is_Accepted(string nameAndLevel, ProtocolVersion expected)
    {
        // Mosquitto bridges (try_private) set 0x80 on the level; the protocol is otherwise unchanged.
        var properties = expected == ProtocolVersion.V500 ? "00" : string.Empty;
        var body = Hex.Parse(nameAndLevel + "02 00 3C" + properties + "00 01 62");
        var bytes = new byte[] { 0x10, (byte)body.Length }.Concat(body).ToArray();
        var reader = new MqttPacketReader();
        var buffer = new ReadOnlySequence<byte>(bytes);

        var connect = Assert.IsType<ConnectPacket>(Wire.ReadPacket(reader, ref buffer));

        Assert.Equal(expected, connect.ProtocolVersion);
        Assert.Equal(expected, reader.ProtocolVersion);
        Assert.Equal("b", connect.ClientId);
    }

    [Theory]
    [InlineData("60 02 00 01", PacketType.PubRel)] // PUBREL without the QoS 1 bit
    [InlineData("6A 02 00 01", PacketType.PubRel)] // ... with DUP, as 3.1 clients send on retry
    [InlineData("8A 06 00 01 00 01 61 00", PacketType.Subscribe)] // SUBSCRIBE with DUP and QoS 1
    [InlineData("A0 05 00 01 00 01 61", PacketType.Unsubscribe)]
    [InlineData("C2 00", PacketType.PingReq)]
    [InlineData("E8 00", PacketType.Disconnect)]
    public void Mqtt31_Tolerates_Fixed_Header_Flags_That_311_Reserves(string hex, PacketType type)
    {
        // MQTT 3.1 gave DUP/QoS/RETAIN bits to every packet; 3.1.1 [MQTT-2.2.2-1] and 5.0 [MQTT-2.1.3-1]
        // made them reserved. 3.1 clients still set them, so the reader accepts them at level 3 only.
        var bytes = Hex.Parse(hex);

        Assert.Equal(type, Wire.ReadSingle(bytes, ProtocolVersion.V310).Type);
        Assert.Equal(ReasonCode.MalformedPacket, Wire.ReadError(new MqttPacketReader(ProtocolVersion.V311), new ReadOnlySequence<byte>(bytes)).Code);
    }

    [Fact]
    public void Mqtt31_Still_Rejects_Publish_Qos_3()
    {
        // The QoS field of PUBLISH is meaningful in every version; 3 was never valid.
        var reader = new MqttPacketReader(ProtocolVersion.V310);

        Assert.Equal(ReasonCode.MalformedPacket, Wire.ReadError(reader, new ReadOnlySequence<byte>(Hex.Parse("36 05 00 01 61 00 01"))).Code);
    }

    [Fact]
    public void Password_Without_User_Name_Is_Accepted_In_50()
    {
        // 5.0 §3.1.2.9 dropped 3.1.1's [MQTT-3.1.2-22]: flags 0x42 = password + clean start.
        var bytes = Hex.Parse("10 12 00 04 4D 51 54 54 05 42 00 3C 00 00 01 63 00 02 70 77");

        var connect = Assert.IsType<ConnectPacket>(Wire.ReadSingle(bytes, ProtocolVersion.Unknown));

        Assert.Null(connect.UserName);
        Assert.Equal("pw"u8.ToArray(), connect.Password!.Value.ToArray());
    }

    [Theory]
    [InlineData(ConnectReturnCode.Accepted, ReasonCode.Success)]
    [InlineData(ConnectReturnCode.UnacceptableProtocolVersion, ReasonCode.UnsupportedProtocolVersion)]
    [InlineData(ConnectReturnCode.IdentifierRejected, ReasonCode.ClientIdentifierNotValid)]
    [InlineData(ConnectReturnCode.ServerUnavailable, ReasonCode.ServerUnavailable)]
    [InlineData(ConnectReturnCode.BadUserNameOrPassword, ReasonCode.BadUserNameOrPassword)]
    [InlineData(ConnectReturnCode.NotAuthorized, ReasonCode.NotAuthorized)]
    public void ConnAck_311_Return_Codes_Map_To_50_Reason_Codes(ConnectReturnCode returnCode, ReasonCode reasonCode)
    {
        var bytes = new byte[] { 0x20, 0x02, 0x00, (byte)returnCode };

        var connAck = Assert.IsType<ConnAckPacket>(Wire.ReadSingle(bytes, ProtocolVersion.V311));

        Assert.Equal(reasonCode, connAck.ReasonCode);
        Assert.Equal(bytes, Wire.Write(connAck, ProtocolVersion.V311));
    }

    [Theory]
    [InlineData(ReasonCode.Banned, ConnectReturnCode.NotAuthorized)]
    [InlineData(ReasonCode.BadAuthenticationMethod, ConnectReturnCode.NotAuthorized)]
    [InlineData(ReasonCode.QuotaExceeded, ConnectReturnCode.ServerUnavailable)]
    public void ConnAck_50_Only_Reasons_Are_Written_As_The_Nearest_311_Return_Code(ReasonCode reasonCode, ConnectReturnCode expected)
    {
        var bytes = Wire.Write(new ConnAckPacket { ReasonCode = reasonCode }, ProtocolVersion.V311);

        Assert.Equal(new byte[] { 0x20, 0x02, 0x00, (byte)expected }, bytes);
    }
}
