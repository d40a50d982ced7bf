using Tether.Broker.Tests.Support;
using Tether.Protocol;

namespace Tether.Broker.Tests.Broker;

/// <summary>Retained messages (3.1.1 §3.3.1.3, 5.0 §3.3.1.3): stored per topic, replayed to new subscriptions.</summary>
public sealed class RetainedMessageTests
{
    [Theory]
    [InlineData(ProtocolVersion.V310)]
    [InlineData(ProtocolVersion.V311)]
    [InlineData(ProtocolVersion.V500)]
    public async Task New_subscription_receives_the_retained_message_flagged_retained(ProtocolVersion version)
    {
        await using var harness = new BrokerHarness();
        var publisher = await harness.ConnectAsync("pub", version);
        await publisher.PublishAcknowledgedAsync(Packets.Publish("home/temp", "21.5", QualityOfService.AtLeastOnce, packetId: 1, retain: true));

        // [MQTT-3.3.1-6] (3.1.1): a new subscription gets the last retained message of each matching topic,
        // [MQTT-3.3.1-8] (3.1.1): with the RETAIN flag set.
        var subscriber = await harness.ConnectAsync("sub", version);
        await subscriber.SubscribeAsync(1, "home/+", QualityOfService.AtLeastOnce);
        var retained = await subscriber.ReceiveAsync<PublishPacket>();
        Assert.Equal("home/temp", retained.Topic.ToString());
        Assert.Equal("21.5", retained.PayloadText());
        Assert.True(retained.Retain);
        Assert.Equal(QualityOfService.AtLeastOnce, retained.QoS);
        Assert.Equal(1, harness.Broker.RetainedCount);
    }

    [Theory]
    [InlineData(ProtocolVersion.V311)]
    [InlineData(ProtocolVersion.V500)]
    public async Task Existing_subscriber_receives_a_retained_publish_with_retain_cleared(ProtocolVersion version)
    {
        await using var harness = new BrokerHarness();
        var subscriber = await harness.ConnectAsync("sub", version);
        await subscriber.SubscribeAsync(1, "home/temp");
        var publisher = await harness.ConnectAsync("pub", version);
        await publisher.SendAsync(Packets.Publish("home/temp", "21.5", retain: true));

        // [MQTT-3.3.1-9] (3.1.1) / [MQTT-3.3.1-12] (5.0, retain as published 0): live deliveries carry RETAIN 0.
        var live = await subscriber.ReceiveAsync<PublishPacket>();
        Assert.Equal("21.5", live.PayloadText());
        Assert.False(live.Retain);
    }

    [Fact]
    public async Task Only_the_last_retained_message_of_a_topic_is_kept()
    {
        await using var harness = new BrokerHarness();
        var publisher = await harness.ConnectAsync("pub");
        await publisher.PublishAcknowledgedAsync(Packets.Publish("t", "first", QualityOfService.AtLeastOnce, 1, retain: true));
        await publisher.PublishAcknowledgedAsync(Packets.Publish("t", "second", QualityOfService.AtLeastOnce, 2, retain: true));

        // [MQTT-3.3.1-5] (3.1.1): the new retained message replaces the previous one.
        var subscriber = await harness.ConnectAsync("sub");
        await subscriber.SubscribeAsync(1, "t");
        var received = await subscriber.DrainPublishesAsync();
        var only = Assert.Single(received);
        Assert.Equal("second", only.PayloadText());
        Assert.True(only.Retain);
    }

    [Fact]
    public async Task Non_retained_publish_does_not_replace_the_retained_message()
    {
        await using var harness = new BrokerHarness();
        var publisher = await harness.ConnectAsync("pub");
        await publisher.PublishAcknowledgedAsync(Packets.Publish("t", "kept", QualityOfService.AtLeastOnce, 1, retain: true));
        await publisher.PublishAcknowledgedAsync(Packets.Publish("t", "passing", QualityOfService.AtLeastOnce, 2, retain: false));

        // [MQTT-3.3.1-12] (3.1.1) / [MQTT-3.3.1-8] (5.0): RETAIN 0 neither stores nor replaces.
        var subscriber = await harness.ConnectAsync("sub");
        await subscriber.SubscribeAsync(1, "t");
        var only = Assert.Single(await subscriber.DrainPublishesAsync());
        Assert.Equal("kept", only.PayloadText());
    }

    [Theory]
    [InlineData(ProtocolVersion.V311)]
    [InlineData(ProtocolVersion.V500)]
    public async Task Empty_retained_payload_deletes_the_retained_message_and_is_still_delivered(ProtocolVersion version)
    {
        await using var harness = new BrokerHarness();
        var publisher = await harness.ConnectAsync("pub", version);
        await publisher.PublishAcknowledgedAsync(Packets.Publish("t", "value", QualityOfService.AtLeastOnce, 1, retain: true));
        var live = await harness.ConnectAsync("live", version);
        await live.SubscribeAsync(1, "t");
        Assert.Equal("value", (await live.ReceiveAsync<PublishPacket>()).PayloadText());

        await publisher.PublishAcknowledgedAsync(Packets.Publish("t", string.Empty, QualityOfService.AtLeastOnce, 2, retain: true));

        // [MQTT-3.3.1-10] (3.1.1): a zero-byte retained PUBLISH goes to current subscribers as normal...
        var cleared = await live.ReceiveAsync<PublishPacket>();
        Assert.Equal("t", cleared.Topic.ToString());
        Assert.True(cleared.Payload.IsEmpty);

        // ...[MQTT-3.3.1-11] (3.1.1) / [MQTT-3.3.1-6] (5.0): and removes the retained message of the topic.
        Assert.Equal(0, harness.Broker.RetainedCount);
        var late = await harness.ConnectAsync("late", version);
        await late.SubscribeAsync(1, "t");
        await late.AssertNothingPendingAsync();
    }

    [Fact]
    public async Task Wildcard_subscription_receives_every_matching_retained_message_and_only_those()
    {
        await using var harness = new BrokerHarness();
        var publisher = await harness.ConnectAsync("pub");
        ushort id = 1;
        foreach (var topic in new[] { "a/1", "a/2", "a/2/deep", "b/1" })
        {
            await publisher.PublishAcknowledgedAsync(Packets.Publish(topic, topic, QualityOfService.AtLeastOnce, id++, retain: true));
        }

        var subscriber = await harness.ConnectAsync("sub");
        await subscriber.SubscribeAsync(1, "a/+");
        var received = await subscriber.DrainPublishesAsync();
        Assert.Equal(["a/1", "a/2"], received.Select(p => p.Topic.ToString()).Order(StringComparer.Ordinal));
        Assert.All(received, p => Assert.True(p.Retain));
    }

    [Fact]
    public async Task Retained_message_is_delivered_at_the_lower_of_its_qos_and_the_granted_qos()
    {
        await using var harness = new BrokerHarness();
        var publisher = await harness.ConnectAsync("pub");
        await publisher.PublishAcknowledgedAsync(Packets.Publish("q1", "one", QualityOfService.AtLeastOnce, 1, retain: true));
        await publisher.SendAsync(Packets.Publish("q0", "zero", QualityOfService.AtMostOnce, retain: true));
        await publisher.AssertNothingPendingAsync();

        // 3.1.1 §3.8.4: the message goes at min(its QoS, granted QoS).
        var atMostOnce = await harness.ConnectAsync("s0");
        await atMostOnce.SubscribeAsync(1, "q1", QualityOfService.AtMostOnce);
        Assert.Equal(QualityOfService.AtMostOnce, (await atMostOnce.ReceiveAsync<PublishPacket>()).QoS);

        var exactlyOnce = await harness.ConnectAsync("s2");
        await exactlyOnce.SubscribeAsync(1, "q0", QualityOfService.ExactlyOnce);
        var zero = await exactlyOnce.ReceiveAsync<PublishPacket>();
        Assert.Equal("zero", zero.PayloadText());
        Assert.Equal(QualityOfService.AtMostOnce, zero.QoS);
    }

    [Fact]
    public async Task Retained_publish_is_refused_with_0x9A_when_retain_is_not_available()
    {
        await using var harness = new BrokerHarness(BrokerOptions.Default with { SysIntervalSeconds = 0, RetainAvailable = false });
        var (publisher, connAck) = await harness.ConnectAsync("pub", ProtocolVersion.V500, _ => { });

        // [MQTT-3.2.2-13]: the CONNACK says retain is not available...
        Assert.Equal((byte)0, connAck.Properties.RetainAvailable);

        // ...[MQTT-3.2.2-14]: so a retained PUBLISH is answered with DISCONNECT 0x9A.
        await publisher.SendAsync(Packets.Publish("t", "x", retain: true));
        var packets = await publisher.ReceiveUntilClosedAsync();
        var disconnect = Assert.IsType<DisconnectPacket>(Assert.Single(packets));
        Assert.Equal(ReasonCode.RetainNotSupported, disconnect.ReasonCode);
        Assert.Equal(0, harness.Broker.RetainedCount);
    }
}
