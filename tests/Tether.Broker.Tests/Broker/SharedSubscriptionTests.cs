using Tether.Broker.Tests.Support;
using Tether.Protocol;

namespace Tether.Broker.Tests.Broker;

/// <summary>Shared subscriptions <c>$share/{group}/{filter}</c> (5.0 §4.8.2; Mosquitto also offers them to 3.1.1 clients).</summary>
public sealed class SharedSubscriptionTests
{
    [Theory]
    [InlineData(ProtocolVersion.V311)]
    [InlineData(ProtocolVersion.V500)]
    public async Task Each_message_goes_to_exactly_one_member_shared_evenly(ProtocolVersion version)
    {
        await using var harness = new BrokerHarness();
        var first = await harness.ConnectAsync("first", version);
        var second = await harness.ConnectAsync("second", version);
        Assert.Equal([ReasonCode.GrantedQoS1], (await first.SubscribeAsync(1, "$share/g/jobs/+", QualityOfService.AtLeastOnce)).ReasonCodes);
        await second.SubscribeAsync(1, "$share/g/jobs/+");
        var publisher = await harness.ConnectAsync("pub", version);
        for (ushort i = 1; i <= 4; i++)
        {
            await publisher.PublishAcknowledgedAsync(Packets.Publish("jobs/" + i, i.ToString(), QualityOfService.AtLeastOnce, i));
        }

        // §4.8.2: each message of the group's filter goes to one member only; Tether picks round robin.
        var toFirst = await first.DrainPublishesAsync();
        var toSecond = await second.DrainPublishesAsync();
        Assert.Equal(2, toFirst.Count);
        Assert.Equal(2, toSecond.Count);
        Assert.Equal(["1", "2", "3", "4"], toFirst.Concat(toSecond).Select(p => p.PayloadText()).Order(StringComparer.Ordinal));
        Assert.All(toFirst.Concat(toSecond), p => Assert.StartsWith("jobs/", p.Topic.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Every_group_and_every_ordinary_subscriber_gets_its_own_copy()
    {
        await using var harness = new BrokerHarness();
        var groupA = await harness.ConnectAsync("a", ProtocolVersion.V500);
        var groupB = await harness.ConnectAsync("b", ProtocolVersion.V500);
        var ordinary = await harness.ConnectAsync("ordinary", ProtocolVersion.V500);
        await groupA.SubscribeAsync(1, "$share/A/t");
        await groupB.SubscribeAsync(1, "$share/B/t");
        await ordinary.SubscribeAsync(1, "t");

        // A session with a shared and an ordinary match gets both copies: they are separate subscriptions.
        await groupA.SubscribeAsync(2, "t");
        var publisher = await harness.ConnectAsync("pub", ProtocolVersion.V500);
        await publisher.PublishAcknowledgedAsync(Packets.Publish("t", "x", QualityOfService.AtLeastOnce, 1));

        Assert.Equal(2, (await groupA.DrainPublishesAsync()).Count);
        Assert.Single(await groupB.DrainPublishesAsync());
        Assert.Single(await ordinary.DrainPublishesAsync());
    }

    [Fact]
    public async Task Retained_messages_are_not_sent_when_a_shared_subscription_is_made()
    {
        await using var harness = new BrokerHarness();
        var publisher = await harness.ConnectAsync("pub", ProtocolVersion.V500);
        await publisher.PublishAcknowledgedAsync(Packets.Publish("t", "stored", QualityOfService.AtLeastOnce, 1, retain: true));

        // 5.0 §4.8.2 / §3.3.1.3: retained messages go to new non-shared subscriptions only.
        var member = await harness.ConnectAsync("member", ProtocolVersion.V500);
        await member.SubscribeAsync(1, "$share/g/t");
        await member.AssertNothingPendingAsync();

        // A retained PUBLISH forwarded through the group has RETAIN 0 (retain as published not set) [MQTT-3.3.1-12].
        await publisher.SendAsync(Packets.Publish("t", "live", retain: true));
        var live = await member.ReceiveAsync<PublishPacket>();
        Assert.Equal("live", live.PayloadText());
        Assert.False(live.Retain);
    }

    [Fact]
    public async Task Messages_skip_a_member_whose_session_is_offline()
    {
        await using var harness = new BrokerHarness();
        var (offline, _) = await harness.ConnectAsync("offline", ProtocolVersion.V500, c =>
        {
            c.CleanSession = false;
            c.Properties.SessionExpiryInterval = 300;
        });
        await offline.SubscribeAsync(1, "$share/g/t", QualityOfService.AtLeastOnce);
        await offline.SendAsync(new DisconnectPacket());
        await offline.BrokerEndedAsync();

        var online = await harness.ConnectAsync("online", ProtocolVersion.V500);
        await online.SubscribeAsync(1, "$share/g/t", QualityOfService.AtLeastOnce);
        var publisher = await harness.ConnectAsync("pub", ProtocolVersion.V500);
        for (ushort i = 1; i <= 3; i++)
        {
            await publisher.PublishAcknowledgedAsync(Packets.Publish("t", i.ToString(), QualityOfService.AtLeastOnce, i));
        }

        // §4.8.2 leaves the choice to the server; a member that cannot receive must not eat the group's messages.
        Assert.Equal(["1", "2", "3"], (await online.DrainPublishesAsync()).Select(p => p.PayloadText()));
    }

    [Fact]
    public async Task Unsubscribed_member_no_longer_receives()
    {
        await using var harness = new BrokerHarness();
        var leaving = await harness.ConnectAsync("leaving", ProtocolVersion.V500);
        var staying = await harness.ConnectAsync("staying", ProtocolVersion.V500);
        await leaving.SubscribeAsync(1, "$share/g/t");
        await staying.SubscribeAsync(1, "$share/g/t");

        var unsubscribe = new UnsubscribePacket { PacketId = 2 };
        unsubscribe.Filters.Add("$share/g/t");
        await leaving.SendAsync(unsubscribe);
        var unsubAck = await leaving.ReceiveAsync<UnsubAckPacket>();
        Assert.Equal([ReasonCode.Success], unsubAck.ReasonCodes);

        var publisher = await harness.ConnectAsync("pub", ProtocolVersion.V500);
        await publisher.PublishAcknowledgedAsync(Packets.Publish("t", "1", QualityOfService.AtLeastOnce, 1));
        await publisher.PublishAcknowledgedAsync(Packets.Publish("t", "2", QualityOfService.AtLeastOnce, 2));
        Assert.Empty(await leaving.DrainPublishesAsync());
        Assert.Equal(2, (await staying.DrainPublishesAsync()).Count);
    }

    [Fact]
    public async Task No_local_on_a_shared_subscription_is_a_protocol_error()
    {
        await using var harness = new BrokerHarness();
        var member = await harness.ConnectAsync("member", ProtocolVersion.V500);
        var subscribe = new SubscribePacket { PacketId = 1 };
        subscribe.Subscriptions.Add(new TopicSubscription("$share/g/t", QualityOfService.AtMostOnce, NoLocal: true));

        // [MQTT-3.8.3-4]: no local set on a shared subscription is a protocol error.
        await member.SendAsync(subscribe);
        var disconnect = Assert.IsType<DisconnectPacket>(Assert.Single(await member.ReceiveUntilClosedAsync()));
        Assert.Equal(ReasonCode.ProtocolError, disconnect.ReasonCode);
    }
}
