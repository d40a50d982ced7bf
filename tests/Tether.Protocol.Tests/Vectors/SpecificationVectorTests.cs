using System.Buffers;
using System.Text;
using Tether.Protocol.Tests.Support;

namespace Tether.Protocol.Tests.Vectors;

/// <summary>
/// Packets encoded by hand, byte by byte, as the MQTT 3.1.1 and 5.0 specifications lay them out. The writer
/// must produce exactly these bytes and the parser must read them into exactly these fields — the round-trip
/// tests alone cannot catch a writer and parser that agree with each other but not with the specification.
/// </summary>
public class SpecificationVectorTests
{
    [Fact]
    public void Connect_311_Example_Of_Figure_3_6()
    {
        // 3.1.1 §3.1.2.10 figure 3.6: name "MQTT", level 4, flags 0xCE (user name, password, will QoS 1, will,
        // clean session), keep alive 10. The payload follows in the order of §3.1.3.
        const string hex = """
            10 1D
            00 04 4D 51 54 54  04  CE  00 0A
            00 03 63 69 64
            00 01 77
            00 03 62 79 65
            00 01 75
            00 01 70
            """;
        var packet = new ConnectPacket
        {
            ProtocolVersion = ProtocolVersion.V311,
            CleanSession = true,
            KeepAliveSeconds = 10,
            ClientId = "cid",
            Will = new WillMessage { Topic = "w", Payload = "bye"u8.ToArray(), QoS = QualityOfService.AtLeastOnce },
            UserName = "u",
            Password = "p"u8.ToArray(),
        };

        var parsed = AssertVector(packet, ProtocolVersion.V311, hex);

        var connect = Assert.IsType<ConnectPacket>(parsed);
        Assert.Equal(ProtocolVersion.V311, connect.ProtocolVersion);
        Assert.Equal(10, connect.KeepAliveSeconds);
        Assert.Equal(QualityOfService.AtLeastOnce, connect.Will!.QoS);
        Assert.False(connect.Will.Retain);
    }

    [Fact]
    public void Connect_31_Uses_MQIsdp_And_Level_3()
    {
        // MQTT 3.1 §3.1: protocol name "MQIsdp", version 3; clean session, keep alive 60.
        const string hex = "10 11  00 06 4D 51 49 73 64 70  03  02  00 3C  00 03 63 69 64";
        var packet = new ConnectPacket { ProtocolVersion = ProtocolVersion.V310, KeepAliveSeconds = 60, ClientId = "cid" };

        var connect = Assert.IsType<ConnectPacket>(AssertVector(packet, ProtocolVersion.V310, hex));

        Assert.Equal(ProtocolVersion.V310, connect.ProtocolVersion);
    }

    [Fact]
    public void Connect_50_With_Properties_And_Will_Properties()
    {
        // 5.0 §3.1.2.11: properties follow keep alive; §3.1.3.2: will properties precede the will topic.
        // Flags 0x6C: password, will retain, will QoS 1, will flag; no user name (allowed in 5.0, §3.1.2.9).
        const string hex = """
            10 24
            00 04 4D 51 54 54  05  6C  00 3C
            05  11 00 00 00 78
            00 01 63
            05  18 00 00 00 0A
            00 01 77
            00 02 6F 6B
            00 02 70 77
            """;
        var packet = new ConnectPacket
        {
            ProtocolVersion = ProtocolVersion.V500,
            CleanSession = false,
            KeepAliveSeconds = 60,
            ClientId = "c",
            Password = "pw"u8.ToArray(),
            Will = new WillMessage { Topic = "w", Payload = "ok"u8.ToArray(), QoS = QualityOfService.AtLeastOnce, Retain = true },
        };
        packet.Properties.SessionExpiryInterval = 120;
        packet.Will.Properties.WillDelayInterval = 10;

        AssertVector(packet, ProtocolVersion.V500, hex);
    }

    [Theory]
    [InlineData(ProtocolVersion.V311)]
    [InlineData(ProtocolVersion.V500)]
    public void PingReq_PingResp_Are_Two_Bytes(ProtocolVersion version)
    {
        // §3.12, §3.13: no variable header, no payload.
        Assert.Same(PingReqPacket.Instance, AssertVector(PingReqPacket.Instance, version, "C0 00"));
        Assert.Same(PingRespPacket.Instance, AssertVector(PingRespPacket.Instance, version, "D0 00"));
    }

    [Theory]
    [InlineData(ProtocolVersion.V310)]
    [InlineData(ProtocolVersion.V311)]
    [InlineData(ProtocolVersion.V500)]
    public void Disconnect_Normal_Is_Two_Bytes(ProtocolVersion version)
    {
        // 3.1.1 §3.14; 5.0 §3.14.2.1: reason 0x00 without properties may omit both (remaining length 0).
        AssertVector(new DisconnectPacket(), version, "E0 00");
    }

    [Fact]
    public void Disconnect_50_Reason_Code_Only()
    {
        // 5.0 §3.14.2.2.1: remaining length 1 — the reason code, property length taken as 0.
        AssertVector(new DisconnectPacket { ReasonCode = ReasonCode.SessionTakenOver }, ProtocolVersion.V500, "E0 01 8E");
    }

    [Fact]
    public void Disconnect_50_With_Reason_String()
    {
        var packet = new DisconnectPacket { ReasonCode = ReasonCode.ServerShuttingDown };
        packet.Properties.ReasonString = "bye";

        AssertVector(packet, ProtocolVersion.V500, "E0 08  8B  06  1F 00 03 62 79 65");
    }

    [Theory]
    [InlineData(ProtocolVersion.V311, "32 09  00 03 61 2F 62  00 0A  68 69")]
    [InlineData(ProtocolVersion.V500, "32 0A  00 03 61 2F 62  00 0A  00  68 69")]
    public void Publish_Qos1_Topic_ab_Id_10(ProtocolVersion version, string hex)
    {
        // 3.1.1 §3.3.2.3 figure 3.11: topic "a/b", packet identifier 10; 5.0 adds the property length.
        var packet = PacketCatalog.Publish("a/b", QualityOfService.AtLeastOnce, 10, "hi");

        var publish = Assert.IsType<PublishPacket>(AssertVector(packet, version, hex));

        Assert.Equal("a/b", publish.Topic.ToString());
        Assert.Equal(10, publish.PacketId);
        Assert.Equal("hi"u8.ToArray(), publish.Payload.ToArray());
    }

    [Fact]
    public void Publish_Qos0_Has_No_Packet_Identifier_And_Flags_Carry_Dup_Qos_Retain()
    {
        // §3.3.1: bit 3 DUP, bits 2-1 QoS, bit 0 RETAIN. QoS 0 has no packet identifier (§3.3.2.2).
        AssertVector(PacketCatalog.Publish("t", QualityOfService.AtMostOnce, 0, string.Empty), ProtocolVersion.V311, "30 03 00 01 74");

        var retained = PacketCatalog.Publish("t", QualityOfService.AtMostOnce, 0, string.Empty);
        retained.Retain = true;
        AssertVector(retained, ProtocolVersion.V311, "31 03 00 01 74");

        var duplicate = PacketCatalog.Publish("t", QualityOfService.ExactlyOnce, 1, string.Empty);
        duplicate.Dup = true;
        AssertVector(duplicate, ProtocolVersion.V311, "3C 05 00 01 74 00 01");
    }

    [Fact]
    public void Publish_50_With_Properties()
    {
        // 5.0 §3.3.2.3: payload format indicator, subscription identifier and topic alias, in identifier order.
        const string hex = "30 0F  00 03 61 2F 62  07  01 01  0B 01  23 00 05  68 69";
        var packet = PacketCatalog.Publish("a/b", QualityOfService.AtMostOnce, 0, "hi");
        packet.Properties.PayloadFormatIndicator = 1;
        packet.Properties.SubscriptionIdentifiers.Add(1);
        packet.Properties.TopicAlias = 5;

        AssertVector(packet, ProtocolVersion.V500, hex);
    }

    [Fact]
    public void Publish_With_128_Byte_Body_Uses_Two_Byte_Remaining_Length()
    {
        // §1.5.5 / 3.1.1 §2.2.3: 128 = 0x80 0x01.
        var payload = new string('z', 128 - 5);
        var bytes = Wire.Write(PacketCatalog.Publish("a/b", QualityOfService.AtMostOnce, 0, payload), ProtocolVersion.V311);

        Assert.Equal(Hex.Parse("30 80 01 00 03 61 2F 62"), bytes[..8]);
        Assert.Equal(131, bytes.Length);
    }

    [Theory]
    [InlineData(ProtocolVersion.V311, "20 02 00 00", false, ReasonCode.Success)]
    [InlineData(ProtocolVersion.V311, "20 02 01 00", true, ReasonCode.Success)]
    [InlineData(ProtocolVersion.V311, "20 02 00 05", false, ReasonCode.NotAuthorized)]
    [InlineData(ProtocolVersion.V311, "20 02 00 01", false, ReasonCode.UnsupportedProtocolVersion)]
    [InlineData(ProtocolVersion.V500, "20 03 00 00 00", false, ReasonCode.Success)]
    [InlineData(ProtocolVersion.V500, "20 03 01 00 00", true, ReasonCode.Success)]
    [InlineData(ProtocolVersion.V500, "20 03 00 87 00", false, ReasonCode.NotAuthorized)]
    public void ConnAck(ProtocolVersion version, string hex, bool sessionPresent, ReasonCode code)
    {
        // 3.1.1 §3.2.2: acknowledge flags then return code; 5.0 §3.2.2: reason code then properties.
        AssertVector(new ConnAckPacket { SessionPresent = sessionPresent, ReasonCode = code }, version, hex);
    }

    [Fact]
    public void ConnAck_50_With_Properties()
    {
        // 5.0 §3.2.2.3: assigned client identifier, receive maximum 20, topic alias maximum 10.
        const string hex = "20 0F  00 00  0C  12 00 03 61 62 63  21 00 14  22 00 0A";
        var packet = new ConnAckPacket();
        packet.Properties.AssignedClientIdentifier = "abc";
        packet.Properties.ReceiveMaximum = 20;
        packet.Properties.TopicAliasMaximum = 10;

        var connAck = Assert.IsType<ConnAckPacket>(AssertVector(packet, ProtocolVersion.V500, hex));

        Assert.Equal("abc", connAck.Properties.AssignedClientIdentifier.ToString());
        Assert.Equal((ushort)20, connAck.Properties.ReceiveMaximum);
        Assert.Equal((ushort)10, connAck.Properties.TopicAliasMaximum);
    }

    [Theory]
    [InlineData(PacketType.PubAck, "40 02 00 0A")]
    [InlineData(PacketType.PubRec, "50 02 00 0A")]
    [InlineData(PacketType.PubRel, "62 02 00 0A")] // §3.6.1: PUBREL fixed header flags are 0010.
    [InlineData(PacketType.PubComp, "70 02 00 0A")]
    public void Acknowledgements_311(PacketType type, string hex)
    {
        AssertVector(new AckPacket(type) { PacketId = 10 }, ProtocolVersion.V311, hex);
    }

    [Theory]
    [InlineData(PacketType.PubAck, "40 02 00 0A", ReasonCode.Success)]
    [InlineData(PacketType.PubAck, "40 03 00 0A 10", ReasonCode.NoMatchingSubscribers)]
    [InlineData(PacketType.PubRec, "50 03 00 0A 97", ReasonCode.QuotaExceeded)]
    [InlineData(PacketType.PubRel, "62 02 00 0A", ReasonCode.Success)]
    [InlineData(PacketType.PubRel, "62 03 00 0A 92", ReasonCode.PacketIdentifierNotFound)]
    [InlineData(PacketType.PubComp, "70 03 00 0A 92", ReasonCode.PacketIdentifierNotFound)]
    public void Acknowledgements_50_Short_Forms(PacketType type, string hex, ReasonCode code)
    {
        // 5.0 §3.4.2.1: remaining length 2 means reason 0x00 and no properties; with a reason code and no
        // properties the property length may be omitted too. The writer uses the shortest form.
        AssertVector(new AckPacket(type) { PacketId = 10, ReasonCode = code }, ProtocolVersion.V500, hex);
    }

    [Fact]
    public void Acknowledgement_50_With_Reason_String()
    {
        var packet = new AckPacket(PacketType.PubAck) { PacketId = 10, ReasonCode = ReasonCode.NotAuthorized };
        packet.Properties.ReasonString = "no";

        AssertVector(packet, ProtocolVersion.V500, "40 09 00 0A 87 05 1F 00 02 6E 6F");
    }

    /// <summary>Encodings the writer never produces (it picks the shortest) but the parser must accept.</summary>
    [Theory]
    [InlineData("40 04 00 0A 00 00", PacketType.PubAck, ReasonCode.Success)] // 5.0 §3.4.2.1: explicit reason, empty properties
    [InlineData("40 03 00 0A 00", PacketType.PubAck, ReasonCode.Success)]
    [InlineData("50 04 00 0A 10 00", PacketType.PubRec, ReasonCode.NoMatchingSubscribers)]
    [InlineData("62 04 00 0A 00 00", PacketType.PubRel, ReasonCode.Success)]
    [InlineData("70 04 00 0A 92 00", PacketType.PubComp, ReasonCode.PacketIdentifierNotFound)]
    public void Acknowledgements_50_Longer_Forms_Parse(string hex, PacketType type, ReasonCode code)
    {
        var ack = Assert.IsType<AckPacket>(Wire.ReadSingle(Hex.Parse(hex), ProtocolVersion.V500));

        Assert.Equal(type, ack.Type);
        Assert.Equal(10, ack.PacketId);
        Assert.Equal(code, ack.ReasonCode);
        Assert.True(ack.Properties.IsEmpty);
    }

    [Theory]
    [InlineData("E0 01 00", ReasonCode.Success)] // 5.0 §3.14.2.2.1: remaining length 1, property length taken as 0
    [InlineData("E0 02 00 00", ReasonCode.Success)]
    [InlineData("E0 02 04 00", ReasonCode.DisconnectWithWillMessage)]
    [InlineData("F0 02 00 00", ReasonCode.Success)] // AUTH in its long form
    public void Disconnect_And_Auth_50_Longer_Forms_Parse(string hex, ReasonCode code)
    {
        var packet = Wire.ReadSingle(Hex.Parse(hex), ProtocolVersion.V500);

        var reason = packet switch
        {
            DisconnectPacket d => d.ReasonCode,
            AuthPacket a => a.ReasonCode,
            _ => throw new InvalidOperationException(packet.Type.ToString()),
        };
        Assert.Equal(code, reason);
    }

    [Fact]
    public void Subscribe_311_Example_Of_Section_3_8()
    {
        // 3.1.1 §3.8.3 figure 3.22 style: packet identifier 10, "a/b" QoS 1, "c/d" QoS 2; fixed header flags 0010.
        const string hex = "82 0E  00 0A  00 03 61 2F 62 01  00 03 63 2F 64 02";
        var packet = new SubscribePacket { PacketId = 10 };
        packet.Subscriptions.Add(new TopicSubscription("a/b", QualityOfService.AtLeastOnce));
        packet.Subscriptions.Add(new TopicSubscription("c/d", QualityOfService.ExactlyOnce));

        AssertVector(packet, ProtocolVersion.V311, hex);
    }

    [Fact]
    public void Subscribe_50_Options_Byte()
    {
        // 5.0 §3.8.3.1: bits 0-1 maximum QoS, bit 2 no local, bit 3 retain as published, bits 4-5 retain
        // handling. QoS 1 | no local | retain as published | retain handling 2 = 0x2D.
        const string hex = "82 09  00 01  00  00 03 61 2F 62  2D";
        var packet = new SubscribePacket { PacketId = 1 };
        packet.Subscriptions.Add(new TopicSubscription("a/b", QualityOfService.AtLeastOnce, NoLocal: true, RetainAsPublished: true, RetainHandling.DoNotSend));

        var subscribe = Assert.IsType<SubscribePacket>(AssertVector(packet, ProtocolVersion.V500, hex));

        var subscription = Assert.Single(subscribe.Subscriptions);
        Assert.True(subscription.NoLocal);
        Assert.True(subscription.RetainAsPublished);
        Assert.Equal(RetainHandling.DoNotSend, subscription.RetainHandling);
    }

    [Fact]
    public void Subscribe_50_With_Subscription_Identifier()
    {
        // 5.0 §3.8.2.1.2: subscription identifier 300 = 0xAC 0x02.
        const string hex = "82 0A  00 01  03 0B AC 02  00 01 23  10";
        var packet = new SubscribePacket { PacketId = 1 };
        packet.Properties.SubscriptionIdentifiers.Add(300);
        packet.Subscriptions.Add(new TopicSubscription("#", QualityOfService.AtMostOnce, RetainHandling: RetainHandling.SendIfNewSubscription));

        AssertVector(packet, ProtocolVersion.V500, hex);
    }

    [Theory]
    [InlineData(ProtocolVersion.V311, "90 06  00 0A  00 01 02 80")]
    [InlineData(ProtocolVersion.V500, "90 07  00 0A  00  00 01 02 80")]
    public void SubAck(ProtocolVersion version, string hex)
    {
        // 3.1.1 §3.9.3: 0x00, 0x01, 0x02 granted, 0x80 failure.
        var packet = new SubAckPacket { PacketId = 10 };
        packet.ReasonCodes.AddRange([ReasonCode.Success, ReasonCode.GrantedQoS1, ReasonCode.GrantedQoS2, ReasonCode.UnspecifiedError]);

        AssertVector(packet, version, hex);
    }

    [Fact]
    public void SubAck_311_Writes_50_Failures_As_0x80()
    {
        // 3.1.1 knows only 0x80 for failure [MQTT-3.9.3-2]; a 5.0 reason like 0x87 must not leak.
        var packet = new SubAckPacket { PacketId = 10 };
        packet.ReasonCodes.Add(ReasonCode.NotAuthorized);

        Assert.Equal(Hex.Parse("90 03 00 0A 80"), Wire.Write(packet, ProtocolVersion.V311));
    }

    [Theory]
    [InlineData(ProtocolVersion.V311, "A2 0C  00 0A  00 03 61 2F 62  00 03 63 2F 64")]
    [InlineData(ProtocolVersion.V500, "A2 0D  00 0A  00  00 03 61 2F 62  00 03 63 2F 64")]
    public void Unsubscribe(ProtocolVersion version, string hex)
    {
        // §3.10.1: fixed header flags 0010.
        var packet = new UnsubscribePacket { PacketId = 10 };
        packet.Filters.AddRange(["a/b", "c/d"]);

        AssertVector(packet, version, hex);
    }

    [Fact]
    public void UnsubAck_311_Has_Only_A_Packet_Identifier()
    {
        AssertVector(new UnsubAckPacket { PacketId = 10 }, ProtocolVersion.V311, "B0 02 00 0A");
    }

    [Fact]
    public void UnsubAck_50_Has_Properties_And_Reason_Codes()
    {
        // 5.0 §3.11.3: one reason code per filter.
        var packet = new UnsubAckPacket { PacketId = 10 };
        packet.ReasonCodes.AddRange([ReasonCode.Success, ReasonCode.NoSubscriptionExisted]);

        AssertVector(packet, ProtocolVersion.V500, "B0 05 00 0A 00 00 11");
    }

    [Fact]
    public void Auth_50()
    {
        // 5.0 §3.15.2.1: success without properties has remaining length 0.
        AssertVector(new AuthPacket(), ProtocolVersion.V500, "F0 00");

        // Continue authentication (0x18) with authentication method "X".
        var packet = new AuthPacket { ReasonCode = ReasonCode.ContinueAuthentication };
        packet.Properties.AuthenticationMethod = "X";
        AssertVector(packet, ProtocolVersion.V500, "F0 06 18 04 15 00 01 58");
    }

    [Fact]
    public void User_Property_Is_A_String_Pair()
    {
        // 5.0 §3.3.2.3.7 / §1.5.7: identifier 0x26, then two UTF-8 strings; "é" is C3 A9.
        var packet = new AckPacket(PacketType.PubAck) { PacketId = 1 };
        packet.Properties.UserProperties.Add(new UserProperty("k", "é"));

        AssertVector(packet, ProtocolVersion.V500, "40 0C 00 01 00 08 26 00 01 6B 00 02 C3 A9");
    }

    /// <summary>The writer emits <paramref name="hex"/> for <paramref name="packet"/>, and parsing it gives every field back.</summary>
    private static MqttPacket AssertVector(MqttPacket packet, ProtocolVersion version, string hex)
    {
        var expected = Hex.Parse(hex);

        Assert.Equal(Hex.Format(expected), Hex.Format(Wire.Write(packet, version)));
        var parsed = Wire.ReadSingle(expected, version);
        Assert.Equal(PacketDump.Describe(packet), PacketDump.Describe(parsed));
        return parsed;
    }
}
