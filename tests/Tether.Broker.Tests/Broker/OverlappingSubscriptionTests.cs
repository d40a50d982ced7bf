using Tether.Broker.Tests.Support;
using Tether.Protocol;

namespace Tether.Broker.Tests.Broker;

/// <summary>
/// Several filters of one session matching one topic (3.1.1 §3.3.5, 5.0 §3.3.4): like Mosquitto 2.0, one copy
/// per session, at the highest QoS granted among the matches, with every matching subscription identifier.
/// </summary>
public sealed class OverlappingSubscriptionTests
{
    [Theory]
    [InlineData(ProtocolVersion.V311)]
    [InlineData(ProtocolVersion.V500)]
    public async Task One_copy_at_the_highest_granted_qos(ProtocolVersion version)
    {
        await using var harness = new BrokerHarness();
        var subscriber = await harness.ConnectAsync("sub", version);
        await subscriber.SubscribeAsync(1, "a/#", QualityOfService.AtMostOnce);
        await subscriber.SubscribeAsync(2, "a/+", QualityOfService.AtLeastOnce);
        await subscriber.SubscribeAsync(3, "a/b", QualityOfService.AtMostOnce);
        var publisher = await harness.ConnectAsync("pub", version);
        await publisher.PublishAcknowledgedAsync(Packets.Publish("a/b", "x", QualityOfService.AtLeastOnce, 1));

        // [MQTT-3.3.5-1] (3.1.1) / [MQTT-3.3.4-2] (5.0): delivered respecting the maximum QoS of the matches.
        var received = await subscriber.DrainPublishesAsync();
        var only = Assert.Single(received);
        Assert.Equal(QualityOfService.AtLeastOnce, only.QoS);
        Assert.NotEqual(0, only.PacketId);
    }

    [Fact]
    public async Task Granted_qos_above_the_message_qos_does_not_upgrade_it()
    {
        await using var harness = new BrokerHarness();
        var subscriber = await harness.ConnectAsync("sub");
        await subscriber.SubscribeAsync(1, "a/#", QualityOfService.ExactlyOnce);
        await subscriber.SubscribeAsync(2, "a/b", QualityOfService.AtMostOnce);
        var publisher = await harness.ConnectAsync("pub");
        await publisher.SendAsync(Packets.Publish("a/b", "x", QualityOfService.AtMostOnce));
        await publisher.AssertNothingPendingAsync();

        // 3.1.1 §3.8.4: the effective QoS is the lower of the published and the granted QoS.
        var only = Assert.Single(await subscriber.DrainPublishesAsync());
        Assert.Equal(QualityOfService.AtMostOnce, only.QoS);
    }

    [Fact]
    public async Task The_single_copy_carries_every_matching_subscription_identifier()
    {
        await using var harness = new BrokerHarness();
        var subscriber = await harness.ConnectAsync("sub", ProtocolVersion.V500);
        await subscriber.SubscribeAsync(1, "a/#", QualityOfService.AtMostOnce, subscriptionId: 1);
        await subscriber.SubscribeAsync(2, "a/+", QualityOfService.ExactlyOnce, subscriptionId: 2);
        await subscriber.SubscribeAsync(3, "a/b", QualityOfService.AtLeastOnce);
        await subscriber.SubscribeAsync(4, "+/b", QualityOfService.AtMostOnce, subscriptionId: 4);
        await subscriber.SubscribeAsync(5, "x/#", QualityOfService.AtMostOnce, subscriptionId: 5);
        var publisher = await harness.ConnectAsync("pub", ProtocolVersion.V500);
        await publisher.SendAsync(Packets.Publish("a/b", "x", QualityOfService.ExactlyOnce, packetId: 1));
        Assert.Equal(PacketType.PubRec, (await publisher.ReceiveAsync<AckPacket>()).Type);

        // [MQTT-3.3.4-4]: one copy with the identifiers of all matching subscriptions that have one (any order)...
        var only = Assert.Single(await subscriber.DrainPublishesAsync());
        Assert.Equal([1u, 2u, 4u], only.Properties.SubscriptionIdentifiers.Order());

        // ...[MQTT-3.3.4-2]: at the maximum granted QoS.
        Assert.Equal(QualityOfService.ExactlyOnce, only.QoS);
    }

    [Fact]
    public async Task No_local_on_one_filter_does_not_suppress_a_delivery_through_another()
    {
        await using var harness = new BrokerHarness();
        var client = await harness.ConnectAsync("self", ProtocolVersion.V500);
        await client.SubscribeAsync(1, "a/b", noLocal: true, subscriptionId: 1);
        await client.SubscribeAsync(2, "a/+", noLocal: false, subscriptionId: 2);
        await client.SendAsync(Packets.Publish("a/b", "x"));

        // [MQTT-3.8.3-3] applies per subscription: only the no-local match is skipped.
        var only = Assert.Single(await client.DrainPublishesAsync());
        Assert.Equal([2u], only.Properties.SubscriptionIdentifiers);
    }

    [Fact]
    public async Task Each_session_gets_its_own_copy()
    {
        await using var harness = new BrokerHarness();
        var first = await harness.ConnectAsync("first");
        var second = await harness.ConnectAsync("second");
        await first.SubscribeAsync(1, "a/#");
        await first.SubscribeAsync(2, "a/b");
        await second.SubscribeAsync(1, "+/b");
        var publisher = await harness.ConnectAsync("pub");
        await publisher.SendAsync(Packets.Publish("a/b", "x"));
        await publisher.AssertNothingPendingAsync();

        Assert.Single(await first.DrainPublishesAsync());
        Assert.Single(await second.DrainPublishesAsync());
    }
}
