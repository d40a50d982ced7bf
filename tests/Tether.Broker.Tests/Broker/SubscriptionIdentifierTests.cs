using Tether.Broker.Tests.Support;
using Tether.Protocol;

namespace Tether.Broker.Tests.Broker;

/// <summary>5.0 subscription identifiers (§3.8.2.1.2, §3.3.4): set on SUBSCRIBE, returned on each matching PUBLISH.</summary>
public sealed class SubscriptionIdentifierTests
{
    [Fact]
    public async Task Publish_carries_the_identifier_of_the_matching_subscription()
    {
        await using var harness = new BrokerHarness();
        var (subscriber, connAck) = await harness.ConnectAsync("sub", ProtocolVersion.V500, _ => { });

        // §3.2.2.3.12: absent "subscription identifiers available" means they are supported.
        Assert.Null(connAck.Properties.SubscriptionIdentifierAvailable);
        await subscriber.SubscribeAsync(1, "a/+", subscriptionId: 7);
        await subscriber.SubscribeAsync(2, "b/#");
        var publisher = await harness.ConnectAsync("pub", ProtocolVersion.V500);
        await publisher.SendAsync(Packets.Publish("a/x", "with id"));
        await publisher.SendAsync(Packets.Publish("b/x", "without id"));

        // [MQTT-3.3.4-3]: the identifier of the subscription that matched is sent with the message...
        var withId = await subscriber.ReceiveAsync<PublishPacket>();
        Assert.Equal("with id", withId.PayloadText());
        Assert.Equal([7u], withId.Properties.SubscriptionIdentifiers);

        // ...and a subscription without one adds none.
        var withoutId = await subscriber.ReceiveAsync<PublishPacket>();
        Assert.Equal("without id", withoutId.PayloadText());
        Assert.Empty(withoutId.Properties.SubscriptionIdentifiers);
    }

    [Fact]
    public async Task Retained_messages_sent_on_subscribe_carry_the_identifier()
    {
        await using var harness = new BrokerHarness();
        var publisher = await harness.ConnectAsync("pub", ProtocolVersion.V500);
        await publisher.PublishAcknowledgedAsync(Packets.Publish("r", "stored", QualityOfService.AtLeastOnce, 1, retain: true));

        var subscriber = await harness.ConnectAsync("sub", ProtocolVersion.V500);
        await subscriber.SubscribeAsync(1, "r", subscriptionId: 268_435_455);
        var retained = await subscriber.ReceiveAsync<PublishPacket>();
        Assert.True(retained.Retain);

        // The largest identifier (a four-byte variable byte integer, §3.8.2.1.2) survives the round trip.
        Assert.Equal([268_435_455u], retained.Properties.SubscriptionIdentifiers);
    }

    [Fact]
    public async Task Resubscribing_replaces_the_identifier()
    {
        await using var harness = new BrokerHarness();
        var subscriber = await harness.ConnectAsync("sub", ProtocolVersion.V500);
        await subscriber.SubscribeAsync(1, "t", subscriptionId: 1);

        // [MQTT-3.8.4-3]: a SUBSCRIBE for an existing filter replaces the subscription, identifier included.
        await subscriber.SubscribeAsync(2, "t", subscriptionId: 2);
        await subscriber.SendAsync(Packets.Publish("t", "x"));
        var received = await subscriber.ReceiveAsync<PublishPacket>();
        Assert.Equal([2u], received.Properties.SubscriptionIdentifiers);
        await subscriber.AssertNothingPendingAsync();
    }

    [Fact]
    public async Task Shared_subscription_delivery_carries_the_members_identifier()
    {
        await using var harness = new BrokerHarness();
        var member = await harness.ConnectAsync("member", ProtocolVersion.V500);
        await member.SubscribeAsync(1, "$share/g/t", subscriptionId: 42);
        var publisher = await harness.ConnectAsync("pub", ProtocolVersion.V500);
        await publisher.SendAsync(Packets.Publish("t", "x"));
        Assert.Equal([42u], (await member.ReceiveAsync<PublishPacket>()).Properties.SubscriptionIdentifiers);
    }

    [Fact]
    public async Task Publish_from_a_client_with_a_subscription_identifier_is_a_protocol_error()
    {
        await using var harness = new BrokerHarness();
        var publisher = await harness.ConnectAsync("pub", ProtocolVersion.V500);
        var publish = Packets.Publish("t", "x");
        publish.Properties.SubscriptionIdentifiers.Add(3);

        // [MQTT-3.3.4-6]: a PUBLISH from a client must not contain a subscription identifier.
        await publisher.SendAsync(publish);
        var disconnect = Assert.IsType<DisconnectPacket>(Assert.Single(await publisher.ReceiveUntilClosedAsync()));
        Assert.Equal(ReasonCode.ProtocolError, disconnect.ReasonCode);
    }

    [Fact]
    public async Task Subscription_identifier_0_is_a_protocol_error()
    {
        await using var harness = new BrokerHarness();
        var subscriber = await harness.ConnectAsync("sub", ProtocolVersion.V500);
        var subscribe = Packets.Subscribe(1, "t");
        subscribe.Properties.SubscriptionIdentifiers.Add(0);

        // §3.8.2.1.2: "It is a Protocol Error if the Subscription Identifier has a value of 0."
        await subscriber.SendAsync(subscribe);
        var disconnect = Assert.IsType<DisconnectPacket>(Assert.Single(await subscriber.ReceiveUntilClosedAsync()));
        Assert.Equal(ReasonCode.ProtocolError, disconnect.ReasonCode);
        Assert.Equal(0, harness.Broker.SubscriptionCount);
    }
}
