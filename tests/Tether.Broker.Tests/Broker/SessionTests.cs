using Tether.Broker.Tests.Support;
using Tether.Protocol;

namespace Tether.Broker.Tests.Broker;

public sealed class SessionTests
{
    [Fact]
    public async Task Persistent_session_keeps_subscriptions_and_queues_messages_while_offline()
    {
        await using var harness = new BrokerHarness();
        var first = await harness.ConnectAsync("durable", clean: false);
        await first.SendAsync(Packets.Subscribe(1, "q/#", QualityOfService.AtLeastOnce));
        await first.ReceiveAsync<SubAckPacket>();
        await first.SendAsync(new DisconnectPacket());
        await first.BrokerSide.WaitAsync(TimeSpan.FromSeconds(10));

        var publisher = await harness.ConnectAsync("pub");
        await publisher.SendAsync(Packets.Publish("q/1", "while-away", QualityOfService.AtLeastOnce, packetId: 1));
        await publisher.ReceiveAsync<AckPacket>();
        await publisher.SendAsync(Packets.Publish("q/0", "qos0-not-queued"));
        await publisher.AssertNothingPendingAsync();

        var (second, connAck) = await harness.ConnectAsync(new ConnectPacket { ClientId = "durable", CleanSession = false });
        Assert.True(connAck.SessionPresent); // [MQTT-3.2.2-2]
        var queued = await second.ReceiveAsync<PublishPacket>();
        Assert.Equal("while-away", queued.PayloadText());
        Assert.Equal(QualityOfService.AtLeastOnce, queued.QoS);
        await second.SendAsync(new AckPacket(PacketType.PubAck) { PacketId = queued.PacketId });
        await second.AssertNothingPendingAsync();
    }

    [Fact]
    public async Task Clean_session_discards_the_previous_state()
    {
        await using var harness = new BrokerHarness();
        var first = await harness.ConnectAsync("c", clean: false);
        await first.SendAsync(Packets.Subscribe(1, "t"));
        await first.ReceiveAsync<SubAckPacket>();
        await first.SendAsync(new DisconnectPacket());
        await first.BrokerSide.WaitAsync(TimeSpan.FromSeconds(10));

        var (second, connAck) = await harness.ConnectAsync(new ConnectPacket { ClientId = "c", CleanSession = true });
        Assert.False(connAck.SessionPresent); // [MQTT-3.2.2-1]
        var publisher = await harness.ConnectAsync("pub");
        await publisher.SendAsync(Packets.Publish("t", "x"));
        await publisher.AssertNothingPendingAsync();
        await second.AssertNothingPendingAsync();
        Assert.Equal(0, harness.Broker.SubscriptionCount);
    }

    [Fact]
    public async Task Unacknowledged_qos1_is_redelivered_with_dup_after_reconnect()
    {
        await using var harness = new BrokerHarness();
        var first = await harness.ConnectAsync("r", clean: false);
        await first.SendAsync(Packets.Subscribe(1, "t", QualityOfService.AtLeastOnce));
        await first.ReceiveAsync<SubAckPacket>();
        var publisher = await harness.ConnectAsync("pub");
        await publisher.SendAsync(Packets.Publish("t", "again", QualityOfService.AtLeastOnce, packetId: 1));
        await publisher.ReceiveAsync<AckPacket>();
        var original = await first.ReceiveAsync<PublishPacket>();
        Assert.False(original.Dup);
        await first.CloseAsync(); // no PUBACK, no DISCONNECT
        await first.BrokerSide.WaitAsync(TimeSpan.FromSeconds(10));

        var (second, connAck) = await harness.ConnectAsync(new ConnectPacket { ClientId = "r", CleanSession = false });
        Assert.True(connAck.SessionPresent);
        var redelivered = await second.ReceiveAsync<PublishPacket>();
        Assert.True(redelivered.Dup); // [MQTT-4.4.0-1]
        Assert.Equal(original.PacketId, redelivered.PacketId);
        Assert.Equal("again", redelivered.PayloadText());
    }

    [Fact]
    public async Task Released_qos2_is_resumed_with_pubrel_after_reconnect()
    {
        await using var harness = new BrokerHarness();
        var first = await harness.ConnectAsync("r2", clean: false);
        await first.SendAsync(Packets.Subscribe(1, "t", QualityOfService.ExactlyOnce));
        await first.ReceiveAsync<SubAckPacket>();
        var publisher = await harness.ConnectAsync("pub");
        await publisher.SendAsync(Packets.Publish("t", "x", QualityOfService.ExactlyOnce, packetId: 1));
        var delivered = await first.ReceiveAsync<PublishPacket>();
        await first.SendAsync(new AckPacket(PacketType.PubRec) { PacketId = delivered.PacketId });
        Assert.Equal(PacketType.PubRel, (await first.ReceiveAsync<AckPacket>()).Type);
        await first.CloseAsync();
        await first.BrokerSide.WaitAsync(TimeSpan.FromSeconds(10));

        var (second, _) = await harness.ConnectAsync(new ConnectPacket { ClientId = "r2", CleanSession = false });
        var resumed = await second.ReceiveAsync<AckPacket>();
        Assert.Equal(PacketType.PubRel, resumed.Type);
        Assert.Equal(delivered.PacketId, resumed.PacketId);
    }

    [Fact]
    public async Task Takeover_closes_the_old_connection_with_session_taken_over()
    {
        await using var harness = new BrokerHarness();
        var connect = new ConnectPacket { ClientId = "same", ProtocolVersion = ProtocolVersion.V500, CleanSession = false };
        connect.Properties.SessionExpiryInterval = 60;
        var (old, _) = await harness.ConnectAsync(connect);
        await old.SendAsync(Packets.Subscribe(1, "t"));
        await old.ReceiveAsync<SubAckPacket>();

        var (replacement, connAck) = await harness.ConnectAsync(connect);

        var disconnect = Assert.IsType<DisconnectPacket>(Assert.Single(await old.ReceiveUntilClosedAsync()));
        Assert.Equal(ReasonCode.SessionTakenOver, disconnect.ReasonCode); // [MQTT-3.1.4-3]
        Assert.True(connAck.SessionPresent);
        var publisher = await harness.ConnectAsync("pub");
        await publisher.SendAsync(Packets.Publish("t", "to-new"));
        Assert.Equal("to-new", (await replacement.ReceiveAsync<PublishPacket>()).PayloadText());
        await old.BrokerEndedAsync();
        Assert.Equal(1, harness.Broker.Statistics.Disconnects(DisconnectReason.SessionTakenOver));
    }

    [Theory]
    [InlineData(ProtocolVersion.V311)]
    [InlineData(ProtocolVersion.V500)]
    public async Task Takeover_of_a_session_that_ends_with_its_connection_starts_a_new_one(ProtocolVersion version)
    {
        // The old connection had a clean session (3.1.1) or expiry 0 (5.0): its session ends when the takeover
        // closes it, so the new connection gets no session and none of its subscriptions (Mosquitto does the same).
        await using var harness = new BrokerHarness();
        var old = await harness.ConnectAsync("same", version, clean: true);
        await old.SendAsync(Packets.Subscribe(1, "t"));
        await old.ReceiveAsync<SubAckPacket>();

        var (replacement, connAck) = await harness.ConnectAsync(new ConnectPacket { ClientId = "same", ProtocolVersion = version, CleanSession = false });

        Assert.False(connAck.SessionPresent);
        await old.BrokerEndedAsync();
        Assert.Equal(0, harness.Broker.SubscriptionCount);
        await replacement.DisposeAsync();
    }

    [Fact]
    public async Task V5_session_expires_after_its_interval()
    {
        await using var harness = new BrokerHarness();
        var connect = new ConnectPacket { ClientId = "exp", ProtocolVersion = ProtocolVersion.V500, CleanSession = false };
        connect.Properties.SessionExpiryInterval = 30;
        var (client, _) = await harness.ConnectAsync(connect);
        await client.SendAsync(Packets.Subscribe(1, "t"));
        await client.ReceiveAsync<SubAckPacket>();
        await client.SendAsync(new DisconnectPacket());
        await client.BrokerSide.WaitAsync(TimeSpan.FromSeconds(10));

        harness.Time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(1, harness.Broker.SessionCount);
        harness.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(0, harness.Broker.SessionCount);
        Assert.Equal(0, harness.Broker.SubscriptionCount);

        var (again, connAck) = await harness.ConnectAsync(connect);
        Assert.False(connAck.SessionPresent);
        await again.DisposeAsync();
    }

    [Fact]
    public async Task Offline_queue_is_bounded_by_max_queued_messages_and_drops_are_counted()
    {
        await using var harness = new BrokerHarness(BrokerOptions.Default with { SysIntervalSeconds = 0, MaxQueuedMessages = 2 });
        var first = await harness.ConnectAsync("slow", clean: false);
        await first.SendAsync(Packets.Subscribe(1, "t", QualityOfService.AtLeastOnce));
        await first.ReceiveAsync<SubAckPacket>();
        await first.SendAsync(new DisconnectPacket());
        await first.BrokerSide.WaitAsync(TimeSpan.FromSeconds(10));
        var publisher = await harness.ConnectAsync("pub");
        for (ushort i = 1; i <= 5; i++)
        {
            await publisher.SendAsync(Packets.Publish("t", $"m{i}", QualityOfService.AtLeastOnce, packetId: i));
            await publisher.ReceiveAsync<AckPacket>();
        }

        var second = await harness.ConnectAsync("slow", clean: false);
        var received = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            var publish = await second.ReceiveAsync<PublishPacket>();
            received.Add(publish.PayloadText());
            await second.SendAsync(new AckPacket(PacketType.PubAck) { PacketId = publish.PacketId });
        }

        await second.AssertNothingPendingAsync();
        Assert.Equal(["m1", "m2"], received);
        Assert.Equal(3, harness.Broker.Statistics.MessagesDropped);
    }
}
