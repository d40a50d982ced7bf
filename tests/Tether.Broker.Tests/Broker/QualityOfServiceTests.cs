using Tether.Broker.Tests.Support;
using Tether.Protocol;

namespace Tether.Broker.Tests.Broker;

public sealed class QualityOfServiceTests
{
    [Theory]
    [InlineData(ProtocolVersion.V311)]
    [InlineData(ProtocolVersion.V500)]
    public async Task Qos1_publish_is_acknowledged_and_delivered_with_a_packet_id_the_subscriber_acknowledges(ProtocolVersion version)
    {
        await using var harness = new BrokerHarness();
        var subscriber = await harness.ConnectAsync("sub", version);
        await subscriber.SendAsync(Packets.Subscribe(1, "t", QualityOfService.AtLeastOnce));
        await subscriber.ReceiveAsync<SubAckPacket>();
        var publisher = await harness.ConnectAsync("pub", version);

        await publisher.SendAsync(Packets.Publish("t", "m1", QualityOfService.AtLeastOnce, packetId: 7));

        var pubAck = await publisher.ReceiveAsync<AckPacket>();
        Assert.Equal(PacketType.PubAck, pubAck.Type);
        Assert.Equal(7, pubAck.PacketId);
        Assert.Equal(ReasonCode.Success, pubAck.ReasonCode);
        var delivered = await subscriber.ReceiveAsync<PublishPacket>();
        Assert.Equal(QualityOfService.AtLeastOnce, delivered.QoS);
        Assert.NotEqual(0, delivered.PacketId);
        await subscriber.SendAsync(new AckPacket(PacketType.PubAck) { PacketId = delivered.PacketId });
        await subscriber.AssertNothingPendingAsync();
    }

    [Fact]
    public async Task Delivery_qos_is_the_lower_of_message_and_subscription()
    {
        await using var harness = new BrokerHarness();
        var subscriber = await harness.ConnectAsync("sub");
        await subscriber.SendAsync(Packets.Subscribe(1, "t", QualityOfService.AtLeastOnce));
        await subscriber.ReceiveAsync<SubAckPacket>();
        var publisher = await harness.ConnectAsync("pub");

        await publisher.SendAsync(Packets.Publish("t", "m", QualityOfService.ExactlyOnce, packetId: 1));
        await publisher.ReceiveAsync<AckPacket>();

        var delivered = await subscriber.ReceiveAsync<PublishPacket>();
        Assert.Equal(QualityOfService.AtLeastOnce, delivered.QoS);
    }

    [Theory]
    [InlineData(ProtocolVersion.V311)]
    [InlineData(ProtocolVersion.V500)]
    public async Task Qos2_incoming_resend_before_pubrel_is_delivered_exactly_once(ProtocolVersion version)
    {
        await using var harness = new BrokerHarness();
        var subscriber = await harness.ConnectAsync("sub", version);
        await subscriber.SendAsync(Packets.Subscribe(1, "t"));
        await subscriber.ReceiveAsync<SubAckPacket>();
        var publisher = await harness.ConnectAsync("pub", version);

        var publish = Packets.Publish("t", "once", QualityOfService.ExactlyOnce, packetId: 9);
        await publisher.SendAsync(publish);
        var pubRec = await publisher.ReceiveAsync<AckPacket>();
        Assert.Equal(PacketType.PubRec, pubRec.Type);

        // [MQTT-4.3.3-10 (3.1.1 §4.3.3)]: a resend with DUP before PUBREL must not be delivered again.
        publish.Dup = true;
        await publisher.SendAsync(publish);
        var secondPubRec = await publisher.ReceiveAsync<AckPacket>();
        Assert.Equal(PacketType.PubRec, secondPubRec.Type);
        await publisher.SendAsync(new AckPacket(PacketType.PubRel) { PacketId = 9 });
        var pubComp = await publisher.ReceiveAsync<AckPacket>();
        Assert.Equal(PacketType.PubComp, pubComp.Type);
        Assert.Equal(ReasonCode.Success, pubComp.ReasonCode);

        var delivered = await subscriber.ReceiveAsync<PublishPacket>();
        Assert.Equal("once", delivered.PayloadText());
        await subscriber.AssertNothingPendingAsync();
    }

    [Fact]
    public async Task Qos2_outgoing_flow_is_publish_pubrec_pubrel_pubcomp()
    {
        await using var harness = new BrokerHarness();
        var subscriber = await harness.ConnectAsync("sub");
        await subscriber.SendAsync(Packets.Subscribe(1, "t", QualityOfService.ExactlyOnce));
        await subscriber.ReceiveAsync<SubAckPacket>();
        var publisher = await harness.ConnectAsync("pub");
        await publisher.SendAsync(Packets.Publish("t", "x", QualityOfService.ExactlyOnce, packetId: 3));

        var delivered = await subscriber.ReceiveAsync<PublishPacket>();
        Assert.Equal(QualityOfService.ExactlyOnce, delivered.QoS);
        await subscriber.SendAsync(new AckPacket(PacketType.PubRec) { PacketId = delivered.PacketId });
        var pubRel = await subscriber.ReceiveAsync<AckPacket>();
        Assert.Equal(PacketType.PubRel, pubRel.Type);
        Assert.Equal(delivered.PacketId, pubRel.PacketId);
        await subscriber.SendAsync(new AckPacket(PacketType.PubComp) { PacketId = delivered.PacketId });
        await subscriber.AssertNothingPendingAsync();
    }

    [Fact]
    public async Task Pubrel_for_an_unknown_id_gets_pubcomp_packet_identifier_not_found_in_v5()
    {
        await using var harness = new BrokerHarness();
        var client = await harness.ConnectAsync("c", ProtocolVersion.V500);

        await client.SendAsync(new AckPacket(PacketType.PubRel) { PacketId = 42 });

        var pubComp = await client.ReceiveAsync<AckPacket>();
        Assert.Equal(PacketType.PubComp, pubComp.Type);
        Assert.Equal(ReasonCode.PacketIdentifierNotFound, pubComp.ReasonCode);
    }

    [Fact]
    public async Task Inflight_window_holds_back_messages_until_acknowledged()
    {
        await using var harness = new BrokerHarness(BrokerOptions.Default with { SysIntervalSeconds = 0, MaxInflightMessages = 2 });
        var subscriber = await harness.ConnectAsync("sub");
        await subscriber.SendAsync(Packets.Subscribe(1, "t", QualityOfService.AtLeastOnce));
        await subscriber.ReceiveAsync<SubAckPacket>();
        var publisher = await harness.ConnectAsync("pub");
        for (ushort i = 1; i <= 3; i++)
        {
            await publisher.SendAsync(Packets.Publish("t", $"m{i}", QualityOfService.AtLeastOnce, packetId: i));
            await publisher.ReceiveAsync<AckPacket>();
        }

        var first = await subscriber.ReceiveAsync<PublishPacket>();
        var second = await subscriber.ReceiveAsync<PublishPacket>();
        Assert.Equal(["m1", "m2"], new[] { first.PayloadText(), second.PayloadText() });
        await subscriber.AssertNothingPendingAsync();

        await subscriber.SendAsync(new AckPacket(PacketType.PubAck) { PacketId = first.PacketId });
        var third = await subscriber.ReceiveAsync<PublishPacket>();
        Assert.Equal("m3", third.PayloadText());
    }

    [Fact]
    public async Task Receive_maximum_of_the_client_limits_inflight_in_v5()
    {
        await using var harness = new BrokerHarness();
        var connect = new ConnectPacket { ClientId = "sub", ProtocolVersion = ProtocolVersion.V500 };
        connect.Properties.ReceiveMaximum = 1;
        var (subscriber, _) = await harness.ConnectAsync(connect);
        await subscriber.SendAsync(Packets.Subscribe(1, "t", QualityOfService.AtLeastOnce));
        await subscriber.ReceiveAsync<SubAckPacket>();
        var publisher = await harness.ConnectAsync("pub", ProtocolVersion.V500);
        await publisher.SendAsync(Packets.Publish("t", "a", QualityOfService.AtLeastOnce, packetId: 1));
        await publisher.ReceiveAsync<AckPacket>();
        await publisher.SendAsync(Packets.Publish("t", "b", QualityOfService.AtLeastOnce, packetId: 2));
        await publisher.ReceiveAsync<AckPacket>();

        var first = await subscriber.ReceiveAsync<PublishPacket>();
        await subscriber.AssertNothingPendingAsync();
        await subscriber.SendAsync(new AckPacket(PacketType.PubAck) { PacketId = first.PacketId });
        Assert.Equal("b", (await subscriber.ReceiveAsync<PublishPacket>()).PayloadText());
    }

    [Fact]
    public async Task Qos1_to_no_subscribers_is_acknowledged_with_no_matching_subscribers_in_v5()
    {
        await using var harness = new BrokerHarness();
        var publisher = await harness.ConnectAsync("pub", ProtocolVersion.V500);

        await publisher.SendAsync(Packets.Publish("nobody/listens", "x", QualityOfService.AtLeastOnce, packetId: 5));

        var pubAck = await publisher.ReceiveAsync<AckPacket>();
        Assert.Equal(ReasonCode.NoMatchingSubscribers, pubAck.ReasonCode);
    }

    [Fact]
    public async Task Incoming_qos2_beyond_the_receive_maximum_closes_a_v5_client_with_0x93()
    {
        await using var harness = new BrokerHarness(BrokerOptions.Default with { MaxInflightMessages = 3 });
        var publisher = await harness.ConnectAsync("pub", ProtocolVersion.V500);
        for (ushort id = 1; id <= 3; id++)
        {
            await publisher.SendAsync(Packets.Publish("t", "x", QualityOfService.ExactlyOnce, packetId: id));
            Assert.Equal(PacketType.PubRec, (await publisher.ReceiveAsync<AckPacket>()).Type);
        }

        await publisher.SendAsync(Packets.Publish("t", "x", QualityOfService.ExactlyOnce, packetId: 4));
        var disconnect = Assert.IsType<DisconnectPacket>(Assert.Single(await publisher.ReceiveUntilClosedAsync()));
        Assert.Equal(ReasonCode.ReceiveMaximumExceeded, disconnect.ReasonCode);
    }

    [Fact]
    public async Task A_v311_client_has_no_receive_maximum_for_unreleased_qos2_messages()
    {
        // 3.1.1 has no way to announce a limit, so enforcing max_inflight_messages there would drop clients that
        // did nothing wrong (Mosquitto 2.0.11 accepted 1,000 unreleased messages from one client).
        await using var harness = new BrokerHarness(BrokerOptions.Default with { MaxInflightMessages = 3 });
        var publisher = await harness.ConnectAsync("pub", ProtocolVersion.V311);
        for (ushort id = 1; id <= 50; id++)
        {
            await publisher.SendAsync(Packets.Publish("t", "x", QualityOfService.ExactlyOnce, packetId: id));
            var pubRec = await publisher.ReceiveAsync<AckPacket>();
            Assert.Equal((PacketType.PubRec, id), (pubRec.Type, pubRec.PacketId));
        }
    }
}
