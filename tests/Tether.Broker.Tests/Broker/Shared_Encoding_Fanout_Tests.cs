using Tether.Broker.Tests.Support;
using Tether.Protocol;

namespace Tether.Broker.Tests.Broker;

/// <summary>
/// One message to many receivers is encoded once per protocol family (DESIGN.md, data flow); receivers that need a
/// property of their own (subscription identifier, topic alias) get a per-receiver encoding, and the maximum packet
/// size still applies to the whole packet. Counts are read after every receiver has its copy, so all writes are done.
/// </summary>
public sealed class Shared_Encoding_Fanout_Tests
{
    [Theory]
    [InlineData(ProtocolVersion.V311)]
    [InlineData(ProtocolVersion.V500)]
    public async Task Many_receivers_of_one_family_share_one_encoding(ProtocolVersion version)
    {
        await using var harness = new BrokerHarness();
        var subscribers = new List<TestClient>();
        for (var i = 0; i < 5; i++)
        {
            var subscriber = await harness.ConnectAsync("sub" + i, version);
            await subscriber.SubscribeAsync(1, "fan/#", QualityOfService.AtLeastOnce);
            subscribers.Add(subscriber);
        }

        var publisher = await harness.ConnectAsync("pub", version);
        await publisher.PublishAcknowledgedAsync(Packets.Publish("fan/out", "to all", QualityOfService.AtLeastOnce, 1));

        foreach (var subscriber in subscribers)
        {
            var received = await subscriber.ReceiveAsync<PublishPacket>();
            Assert.Equal("fan/out", received.Topic.ToString());
            Assert.Equal("to all", received.PayloadText());
        }

        var encodings = harness.Broker.MessagePool.Encodings;
        Assert.Equal(1, encodings.Built - encodings.Discarded);
        Assert.Equal(0, encodings.Unshared);
    }

    [Fact]
    public async Task A_mixed_set_of_3_1_1_and_5_0_receivers_builds_one_encoding_per_family()
    {
        await using var harness = new BrokerHarness();
        var subscribers = new List<TestClient>();
        foreach (var version in new[] { ProtocolVersion.V311, ProtocolVersion.V500, ProtocolVersion.V311, ProtocolVersion.V500, ProtocolVersion.V310 })
        {
            var subscriber = await harness.ConnectAsync("sub" + subscribers.Count, version);
            await subscriber.SubscribeAsync(1, "mixed");
            subscribers.Add(subscriber);
        }

        var publisher = await harness.ConnectAsync("pub", ProtocolVersion.V500);
        var publish = Packets.Publish("mixed", "hello", QualityOfService.AtLeastOnce, 1);
        publish.Properties.ContentType = "text/plain";
        publish.Properties.UserProperties.Add(new UserProperty("k", "v"));
        publish.Properties.MessageExpiryInterval = 60;
        await publisher.PublishAcknowledgedAsync(publish);

        foreach (var subscriber in subscribers)
        {
            var received = await subscriber.ReceiveAsync<PublishPacket>();
            Assert.Equal("hello", received.PayloadText());
            if (subscriber.Version == ProtocolVersion.V500)
            {
                Assert.Equal("text/plain", received.Properties.ContentType?.ToString());
                Assert.Equal(60u, received.Properties.MessageExpiryInterval);
                Assert.Equal(("k", "v"), (received.Properties.UserProperties[0].Name.ToString(), received.Properties.UserProperties[0].Value.ToString()));
            }
        }

        var encodings = harness.Broker.MessagePool.Encodings;
        Assert.Equal(2, encodings.Built - encodings.Discarded);
    }

    [Fact]
    public async Task Receivers_at_different_times_share_the_encoding_and_each_gets_its_remaining_expiry()
    {
        await using var harness = new BrokerHarness();
        var publisher = await harness.ConnectAsync("pub", ProtocolVersion.V500);
        var publish = Packets.Publish("state", "kept", QualityOfService.AtLeastOnce, 1, retain: true);
        publish.Properties.MessageExpiryInterval = 100;
        await publisher.PublishAcknowledgedAsync(publish);

        var expiries = new List<uint?>();
        for (var i = 0; i < 3; i++)
        {
            harness.Time.Advance(TimeSpan.FromSeconds(10));
            var subscriber = await harness.ConnectAsync("late" + i, ProtocolVersion.V500);
            await subscriber.SubscribeAsync(1, "state");
            expiries.Add((await subscriber.ReceiveAsync<PublishPacket>()).Properties.MessageExpiryInterval);
        }

        // [MQTT-3.3.2-6]: each receiver is told what remains; the retained message's encoding is built once.
        Assert.Equal([90u, 80u, 70u], expiries);
        var encodings = harness.Broker.MessagePool.Encodings;
        Assert.Equal(1, encodings.Built - encodings.Discarded);
    }

    [Fact]
    public async Task A_receiver_with_a_subscription_identifier_gets_its_own_encoding_and_the_others_still_share()
    {
        await using var harness = new BrokerHarness();
        var identified = await harness.ConnectAsync("identified", ProtocolVersion.V500);
        await identified.SubscribeAsync(1, "t", subscriptionId: 42);
        var plain = await harness.ConnectAsync("plain", ProtocolVersion.V500);
        await plain.SubscribeAsync(1, "t");
        var publisher = await harness.ConnectAsync("pub", ProtocolVersion.V500);
        await publisher.PublishAcknowledgedAsync(Packets.Publish("t", "x", QualityOfService.AtLeastOnce, 1));

        Assert.Equal([42u], (await identified.ReceiveAsync<PublishPacket>()).Properties.SubscriptionIdentifiers);
        Assert.Empty((await plain.ReceiveAsync<PublishPacket>()).Properties.SubscriptionIdentifiers);
        var encodings = harness.Broker.MessagePool.Encodings;
        Assert.Equal(1, encodings.Built - encodings.Discarded);
        Assert.Equal(1, encodings.Unshared);
    }

    [Fact]
    public async Task A_receiver_that_takes_topic_aliases_gets_its_own_encoding()
    {
        await using var harness = new BrokerHarness();
        var (aliased, _) = await harness.ConnectAsync("aliased", ProtocolVersion.V500, c => c.Properties.TopicAliasMaximum = 4);
        await aliased.SubscribeAsync(1, "t");
        var publisher = await harness.ConnectAsync("pub", ProtocolVersion.V500);
        await publisher.PublishAcknowledgedAsync(Packets.Publish("t", "1", QualityOfService.AtLeastOnce, 1));
        await publisher.PublishAcknowledgedAsync(Packets.Publish("t", "2", QualityOfService.AtLeastOnce, 2));

        var first = await aliased.ReceiveAsync<PublishPacket>();
        var second = await aliased.ReceiveAsync<PublishPacket>();
        Assert.Equal(("t", (ushort?)1), (first.Topic.ToString(), first.Properties.TopicAlias));
        Assert.Equal((string.Empty, (ushort?)1), (second.Topic.ToString(), second.Properties.TopicAlias));
        var encodings = harness.Broker.MessagePool.Encodings;
        Assert.Equal(0, encodings.Built);
        Assert.Equal(2, encodings.Unshared);
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(-1, false)]
    public async Task The_maximum_packet_size_applies_to_the_whole_shared_packet(int slack, bool delivered)
    {
        // PUBLISH "t" QoS 1, 5.0, no properties, 10-byte payload: 1 + 1 (remaining length) + 3 (topic) + 2 (id) + 1 (properties) + 10.
        const uint PacketSize = 18;
        await using var harness = new BrokerHarness();
        var (limited, _) = await harness.ConnectAsync("limited", ProtocolVersion.V500, c => c.Properties.MaximumPacketSize = (uint)(PacketSize + slack));
        await limited.SubscribeAsync(1, "t", QualityOfService.AtLeastOnce);
        var unlimited = await harness.ConnectAsync("unlimited", ProtocolVersion.V500);
        await unlimited.SubscribeAsync(1, "t", QualityOfService.AtLeastOnce);
        var publisher = await harness.ConnectAsync("pub", ProtocolVersion.V500);
        await publisher.PublishAcknowledgedAsync(Packets.Publish("t", "0123456789", QualityOfService.AtLeastOnce, 1));

        Assert.Equal("0123456789", (await unlimited.ReceiveAsync<PublishPacket>()).PayloadText());
        var received = await limited.DrainPublishesAsync();
        Assert.Equal(delivered ? 1 : 0, received.Count);
        Assert.Equal(delivered ? 0 : 1, harness.Broker.Statistics.MessagesDropped); // [MQTT-3.1.2-25]
    }

    [Fact]
    public async Task Encodings_go_back_when_every_receiver_has_acknowledged()
    {
        await using var harness = new BrokerHarness();
        var subscribers = new List<TestClient>();
        foreach (var version in new[] { ProtocolVersion.V311, ProtocolVersion.V500 })
        {
            var subscriber = await harness.ConnectAsync("sub" + subscribers.Count, version);
            await subscriber.SubscribeAsync(1, "t", QualityOfService.AtLeastOnce);
            subscribers.Add(subscriber);
        }

        var publisher = await harness.ConnectAsync("pub");
        await publisher.PublishAcknowledgedAsync(Packets.Publish("t", "x", QualityOfService.AtLeastOnce, 1));
        foreach (var subscriber in subscribers)
        {
            var publish = await subscriber.ReceiveAsync<PublishPacket>();
            await subscriber.SendAsync(new AckPacket(PacketType.PubAck) { PacketId = publish.PacketId });
            await subscriber.AssertNothingPendingAsync();
        }

        Assert.Equal(0, harness.Broker.MessagePool.Outstanding);
        Assert.Equal(0, harness.Broker.MessagePool.Encodings.Outstanding);
    }
}
