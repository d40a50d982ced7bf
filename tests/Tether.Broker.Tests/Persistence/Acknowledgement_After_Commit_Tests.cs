using Tether.Broker.Persistence;
using Tether.Broker.Tests.Support;
using Tether.Protocol;

namespace Tether.Broker.Tests.Persistence;

/// <summary>
/// With a durable store, a publisher's PUBACK / PUBREC / PUBCOMP waits until what its packet changed is committed,
/// acknowledgements to one publisher stay in order [MQTT-4.6.0-2], and what touches no persistent state never
/// reaches the store.
/// </summary>
public sealed class Acknowledgement_After_Commit_Tests
{
    [Theory]
    [InlineData(ProtocolVersion.V311)]
    [InlineData(ProtocolVersion.V500)]
    public async Task Puback_for_a_message_queued_for_an_offline_persistent_session_waits_for_the_commit(ProtocolVersion version)
    {
        var store = new ManualCommitStore();
        await using var harness = new BrokerHarness(store: store);
        await CreateOfflineSubscriberAsync(harness, "sub", "t", version);
        var publisher = await harness.ConnectAsync("pub", version);

        await publisher.SendAsync(Packets.Publish("t", "m1", QualityOfService.AtLeastOnce, packetId: 7));
        await publisher.AssertNothingPendingAsync();
        var queued = Assert.Single(store.Submitted.OfType<DeliveryQueued>());
        Assert.Equal("sub", queued.ClientId);
        Assert.Equal("m1"u8.ToArray(), queued.Delivery.Message.Payload.ToArray());

        store.CommitAll();

        var pubAck = await publisher.ReceiveAsync<AckPacket>();
        Assert.Equal((PacketType.PubAck, (ushort)7), (pubAck.Type, pubAck.PacketId));
    }

    [Fact]
    public async Task Qos2_pubrec_and_pubcomp_wait_for_their_commits()
    {
        var store = new ManualCommitStore();
        await using var harness = new BrokerHarness(store: store);
        await CreateOfflineSubscriberAsync(harness, "sub", "t", ProtocolVersion.V311, QualityOfService.ExactlyOnce);
        var publisher = await harness.ConnectAsync("pub", clean: false);

        await publisher.SendAsync(Packets.Publish("t", "m", QualityOfService.ExactlyOnce, packetId: 3));
        await publisher.AssertNothingPendingAsync();
        Assert.Contains(store.Submitted, c => c is IncomingQoS2Added { ClientId: "pub", PacketId: 3 });
        store.CommitAll();
        Assert.Equal(PacketType.PubRec, (await publisher.ReceiveAsync<AckPacket>()).Type);

        await publisher.SendAsync(new AckPacket(PacketType.PubRel) { PacketId = 3 });
        await publisher.AssertNothingPendingAsync();
        Assert.Contains(store.Submitted, c => c is IncomingQoS2Released { ClientId: "pub", PacketId: 3 });
        store.CommitAll();
        Assert.Equal(PacketType.PubComp, (await publisher.ReceiveAsync<AckPacket>()).Type);
    }

    [Fact]
    public async Task An_acknowledgement_that_changed_nothing_still_waits_behind_one_that_waits_for_a_commit()
    {
        var store = new ManualCommitStore();
        await using var harness = new BrokerHarness(store: store);
        await CreateOfflineSubscriberAsync(harness, "sub", "durable", ProtocolVersion.V311);
        var publisher = await harness.ConnectAsync("pub");

        await publisher.SendAsync(Packets.Publish("durable", "1", QualityOfService.AtLeastOnce, packetId: 1));
        await publisher.SendAsync(Packets.Publish("nobody/listens", "2", QualityOfService.AtLeastOnce, packetId: 2));
        await publisher.AssertNothingPendingAsync();

        store.CommitAll();

        Assert.Equal(1, (await publisher.ReceiveAsync<AckPacket>()).PacketId);
        Assert.Equal(2, (await publisher.ReceiveAsync<AckPacket>()).PacketId);
    }

    [Fact]
    public async Task Clean_sessions_and_qos0_never_reach_the_store_and_are_acknowledged_at_once()
    {
        var store = new ManualCommitStore();
        await using var harness = new BrokerHarness(store: store);
        var subscriber = await harness.ConnectAsync("sub", clean: true);
        await subscriber.SendAsync(Packets.Subscribe(1, "t", QualityOfService.AtLeastOnce));
        await subscriber.ReceiveAsync<SubAckPacket>();
        var publisher = await harness.ConnectAsync("pub");

        await publisher.SendAsync(Packets.Publish("t", "qos0"));
        await publisher.SendAsync(Packets.Publish("t", "qos1", QualityOfService.AtLeastOnce, packetId: 5));

        Assert.Equal(5, (await publisher.ReceiveAsync<AckPacket>()).PacketId);
        Assert.Equal("qos0", (await subscriber.ReceiveAsync<PublishPacket>()).PayloadText());
        Assert.Equal("qos1", (await subscriber.ReceiveAsync<PublishPacket>()).PayloadText());
        Assert.Empty(store.Submitted);
    }

    [Fact]
    public async Task A_retained_message_is_stored_and_its_puback_waits_for_the_commit()
    {
        var store = new ManualCommitStore();
        await using var harness = new BrokerHarness(store: store);
        var publisher = await harness.ConnectAsync("pub");

        await publisher.SendAsync(Packets.Publish("r", "kept", QualityOfService.AtLeastOnce, packetId: 4, retain: true));
        await publisher.AssertNothingPendingAsync();
        var set = Assert.IsType<RetainedMessageSet>(Assert.Single(store.Submitted));
        Assert.Equal("r", set.Message.Topic);

        store.CommitAll();
        Assert.Equal(4, (await publisher.ReceiveAsync<AckPacket>()).PacketId);
    }

    private static async Task CreateOfflineSubscriberAsync(BrokerHarness harness, string clientId, string filter, ProtocolVersion version, QualityOfService qos = QualityOfService.AtLeastOnce)
    {
        var connect = new ConnectPacket { ClientId = clientId, ProtocolVersion = version, CleanSession = false };
        if (version == ProtocolVersion.V500)
        {
            connect.Properties.SessionExpiryInterval = 3600;
        }

        var (subscriber, _) = await harness.ConnectAsync(connect);
        await subscriber.SendAsync(Packets.Subscribe(1, filter, qos));

        // The SUBACK of a stored session waits for the commit of its subscription.
        var store = (ManualCommitStore)harness.Broker.Store;
        await store.ListenerWaitingAsync().WaitAsync(TimeSpan.FromSeconds(10));
        store.CommitAll();
        await subscriber.ReceiveAsync<SubAckPacket>();
        await subscriber.SendAsync(new DisconnectPacket());
        await subscriber.ReceiveUntilClosedAsync();
    }
}
