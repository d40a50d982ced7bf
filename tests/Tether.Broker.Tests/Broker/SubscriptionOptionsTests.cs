using Tether.Broker.Tests.Support;
using Tether.Protocol;

namespace Tether.Broker.Tests.Broker;

/// <summary>5.0 subscription options (§3.8.3.1): no local, retain as published, retain handling.</summary>
public sealed class SubscriptionOptionsTests
{
    [Fact]
    public async Task No_local_suppresses_the_subscribers_own_messages_only()
    {
        await using var harness = new BrokerHarness();
        var self = await harness.ConnectAsync("self", ProtocolVersion.V500);
        await self.SubscribeAsync(1, "chat", noLocal: true);
        var other = await harness.ConnectAsync("other", ProtocolVersion.V500);
        await other.SubscribeAsync(1, "chat");

        // [MQTT-3.8.3-3]: not forwarded to the connection whose client id published it...
        await self.PublishAcknowledgedAsync(Packets.Publish("chat", "from self", QualityOfService.AtLeastOnce, 1));
        await self.AssertNothingPendingAsync();
        Assert.Equal("from self", (await other.ReceiveAsync<PublishPacket>()).PayloadText());

        // ...but other clients' messages still arrive.
        await other.SendAsync(Packets.Publish("chat", "from other"));
        Assert.Equal("from other", (await self.ReceiveAsync<PublishPacket>()).PayloadText());
    }

    [Fact]
    public async Task Without_no_local_the_subscriber_receives_its_own_messages()
    {
        await using var harness = new BrokerHarness();
        var self = await harness.ConnectAsync("self", ProtocolVersion.V500);
        await self.SubscribeAsync(1, "chat", noLocal: false);
        await self.SendAsync(Packets.Publish("chat", "echo"));
        Assert.Equal("echo", (await self.ReceiveAsync<PublishPacket>()).PayloadText());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Retain_as_published_keeps_the_publishers_retain_flag(bool retainAsPublished)
    {
        await using var harness = new BrokerHarness();
        var subscriber = await harness.ConnectAsync("sub", ProtocolVersion.V500);
        await subscriber.SubscribeAsync(1, "t", retainAsPublished: retainAsPublished);
        var publisher = await harness.ConnectAsync("pub", ProtocolVersion.V500);
        await publisher.SendAsync(Packets.Publish("t", "retained", retain: true));
        await publisher.SendAsync(Packets.Publish("t", "plain", retain: false));

        // [MQTT-3.3.1-13]: retain as published 1 forwards the flag as received;
        // [MQTT-3.3.1-12]: retain as published 0 clears it.
        var retained = await subscriber.ReceiveAsync<PublishPacket>();
        Assert.Equal("retained", retained.PayloadText());
        Assert.Equal(retainAsPublished, retained.Retain);
        var plain = await subscriber.ReceiveAsync<PublishPacket>();
        Assert.Equal("plain", plain.PayloadText());
        Assert.False(plain.Retain);
    }

    [Fact]
    public async Task Retained_messages_sent_on_subscribe_are_flagged_retained_whatever_retain_as_published_says()
    {
        await using var harness = new BrokerHarness();
        var publisher = await harness.ConnectAsync("pub", ProtocolVersion.V500);
        await publisher.PublishAcknowledgedAsync(Packets.Publish("t", "stored", QualityOfService.AtLeastOnce, 1, retain: true));

        // §3.3.1.3: a message sent because a subscription was made has RETAIN 1 (the option only concerns forwarding).
        var subscriber = await harness.ConnectAsync("sub", ProtocolVersion.V500);
        await subscriber.SubscribeAsync(1, "t", retainAsPublished: false);
        Assert.True((await subscriber.ReceiveAsync<PublishPacket>()).Retain);
    }

    [Fact]
    public async Task Retain_handling_0_sends_retained_messages_on_every_subscribe()
    {
        await using var harness = new BrokerHarness();
        var publisher = await harness.ConnectAsync("pub", ProtocolVersion.V500);
        await publisher.PublishAcknowledgedAsync(Packets.Publish("t", "stored", QualityOfService.AtLeastOnce, 1, retain: true));
        var subscriber = await harness.ConnectAsync("sub", ProtocolVersion.V500);

        // [MQTT-3.3.1-9]: retain handling 0 sends them at the time of the subscribe, also when it replaces one.
        await subscriber.SubscribeAsync(1, "t", retainHandling: RetainHandling.SendAtSubscribe);
        Assert.Equal("stored", Assert.Single(await subscriber.DrainPublishesAsync()).PayloadText());
        await subscriber.SubscribeAsync(2, "t", retainHandling: RetainHandling.SendAtSubscribe);
        Assert.Equal("stored", Assert.Single(await subscriber.DrainPublishesAsync()).PayloadText());
    }

    [Fact]
    public async Task Retain_handling_1_sends_retained_messages_only_for_a_new_subscription()
    {
        await using var harness = new BrokerHarness();
        var publisher = await harness.ConnectAsync("pub", ProtocolVersion.V500);
        await publisher.PublishAcknowledgedAsync(Packets.Publish("t", "stored", QualityOfService.AtLeastOnce, 1, retain: true));
        var subscriber = await harness.ConnectAsync("sub", ProtocolVersion.V500);

        // [MQTT-3.3.1-10]: retain handling 1 sends them if the subscription did not exist...
        await subscriber.SubscribeAsync(1, "t", retainHandling: RetainHandling.SendIfNewSubscription);
        Assert.Equal("stored", Assert.Single(await subscriber.DrainPublishesAsync()).PayloadText());

        // ...and not when it replaces an existing one.
        await subscriber.SubscribeAsync(2, "t", retainHandling: RetainHandling.SendIfNewSubscription);
        Assert.Empty(await subscriber.DrainPublishesAsync());
    }

    [Fact]
    public async Task Retain_handling_2_never_sends_retained_messages_on_subscribe_but_live_messages_flow()
    {
        await using var harness = new BrokerHarness();
        var publisher = await harness.ConnectAsync("pub", ProtocolVersion.V500);
        await publisher.PublishAcknowledgedAsync(Packets.Publish("t", "stored", QualityOfService.AtLeastOnce, 1, retain: true));
        var subscriber = await harness.ConnectAsync("sub", ProtocolVersion.V500);

        // [MQTT-3.3.1-11]: retain handling 2 sends no retained messages when the subscription is made.
        await subscriber.SubscribeAsync(1, "t", retainHandling: RetainHandling.DoNotSend);
        await subscriber.AssertNothingPendingAsync();

        await publisher.SendAsync(Packets.Publish("t", "live"));
        Assert.Equal("live", (await subscriber.ReceiveAsync<PublishPacket>()).PayloadText());
    }
}
