using Tether.Broker.Tests.Support;
using Tether.Protocol;

namespace Tether.Broker.Tests.Broker;

/// <summary>5.0 message expiry interval (§3.3.2.3.3), on the harness' fake clock.</summary>
public sealed class MessageExpiryTests
{
    [Theory]
    [InlineData(ProtocolVersion.V311)]
    [InlineData(ProtocolVersion.V500)]
    public async Task Expired_retained_message_is_not_delivered(ProtocolVersion subscriberVersion)
    {
        await using var harness = new BrokerHarness();
        var publisher = await harness.ConnectAsync("pub", ProtocolVersion.V500);
        await publisher.PublishAcknowledgedAsync(Expiring(Packets.Publish("t", "short-lived", QualityOfService.AtLeastOnce, 1, retain: true), 5));
        harness.Time.Advance(TimeSpan.FromSeconds(6));

        // §3.3.2.3.3: once the interval has passed, the retained message is no longer sent to new subscribers.
        var subscriber = await harness.ConnectAsync("sub", subscriberVersion);
        await subscriber.SubscribeAsync(1, "t");
        await subscriber.AssertNothingPendingAsync();
        Assert.Equal(0, harness.Broker.RetainedCount);
    }

    [Fact]
    public async Task Retained_message_carries_the_remaining_interval()
    {
        await using var harness = new BrokerHarness();
        var publisher = await harness.ConnectAsync("pub", ProtocolVersion.V500);
        await publisher.PublishAcknowledgedAsync(Expiring(Packets.Publish("t", "x", QualityOfService.AtLeastOnce, 1, retain: true), 10));
        harness.Time.Advance(TimeSpan.FromSeconds(4));

        // [MQTT-3.3.2-6]: the forwarded interval is the received one minus the time spent waiting in the server.
        var subscriber = await harness.ConnectAsync("sub", ProtocolVersion.V500);
        await subscriber.SubscribeAsync(1, "t");
        var retained = await subscriber.ReceiveAsync<PublishPacket>();
        Assert.Equal(6u, retained.Properties.MessageExpiryInterval);
    }

    [Fact]
    public async Task Live_delivery_forwards_the_interval_and_none_when_absent()
    {
        await using var harness = new BrokerHarness();
        var subscriber = await harness.ConnectAsync("sub", ProtocolVersion.V500);
        await subscriber.SubscribeAsync(1, "t");
        var publisher = await harness.ConnectAsync("pub", ProtocolVersion.V500);
        await publisher.SendAsync(Expiring(Packets.Publish("t", "expiring"), 60));
        await publisher.SendAsync(Packets.Publish("t", "forever"));

        Assert.Equal(60u, (await subscriber.ReceiveAsync<PublishPacket>()).Properties.MessageExpiryInterval);

        // §3.3.2.3.3: "If absent, the Application Message does not expire."
        Assert.Null((await subscriber.ReceiveAsync<PublishPacket>()).Properties.MessageExpiryInterval);
    }

    [Fact]
    public async Task Interval_0_does_not_expire_the_message_at_once()
    {
        await using var harness = new BrokerHarness();
        var subscriber = await harness.ConnectAsync("sub", ProtocolVersion.V500);
        await subscriber.SubscribeAsync(1, "t");
        var publisher = await harness.ConnectAsync("pub", ProtocolVersion.V500);
        await publisher.PublishAcknowledgedAsync(Expiring(Packets.Publish("t", "zero", QualityOfService.AtLeastOnce, 1, retain: true), 0));

        // Mosquitto stores an interval of 0 as "no expiry" (db__message_store), so publishers that always send the
        // property keep working: the message is delivered live and stays retained after time passes.
        Assert.Equal("zero", (await subscriber.ReceiveAsync<PublishPacket>()).PayloadText());
        harness.Time.Advance(TimeSpan.FromSeconds(5));
        var late = await harness.ConnectAsync("late", ProtocolVersion.V500);
        await late.SubscribeAsync(1, "t");
        Assert.Equal("zero", (await late.ReceiveAsync<PublishPacket>()).PayloadText());
    }

    [Fact]
    public async Task Will_with_interval_0_is_delivered()
    {
        await using var harness = new BrokerHarness();
        var subscriber = await harness.ConnectAsync("sub", ProtocolVersion.V500);
        await subscriber.SubscribeAsync(1, "wills/#");
        var (dying, _) = await harness.ConnectAsync("dying", ProtocolVersion.V500, c =>
        {
            c.Will = new WillMessage { Topic = "wills/dying", Payload = "gone"u8.ToArray() };
            c.Will.Properties.MessageExpiryInterval = 0;
        });

        // The connection ends without DISCONNECT, so the will is published [MQTT-3.1.2-8]; interval 0 as above.
        await dying.CloseAsync();
        var will = await subscriber.ReceiveAsync<PublishPacket>();
        Assert.Equal("gone", will.PayloadText());
        Assert.Null(will.Properties.MessageExpiryInterval);
    }

    [Fact]
    public async Task Messages_queued_for_an_offline_session_expire_there_and_the_rest_carry_the_remaining_interval()
    {
        await using var harness = new BrokerHarness();
        static void Persistent(ConnectPacket c)
        {
            c.CleanSession = false;
            c.Properties.SessionExpiryInterval = 300;
        }

        var (subscriber, _) = await harness.ConnectAsync("sub", ProtocolVersion.V500, Persistent);
        await subscriber.SubscribeAsync(1, "t", QualityOfService.AtLeastOnce);
        await subscriber.SendAsync(new DisconnectPacket());
        await subscriber.BrokerEndedAsync();

        var publisher = await harness.ConnectAsync("pub", ProtocolVersion.V500);
        await publisher.PublishAcknowledgedAsync(Expiring(Packets.Publish("t", "short", QualityOfService.AtLeastOnce, 1), 5));
        await publisher.PublishAcknowledgedAsync(Expiring(Packets.Publish("t", "long", QualityOfService.AtLeastOnce, 2), 30));
        await publisher.PublishAcknowledgedAsync(Packets.Publish("t", "forever", QualityOfService.AtLeastOnce, 3));
        harness.Time.Advance(TimeSpan.FromSeconds(10));

        var (resumed, connAck) = await harness.ConnectAsync("sub", ProtocolVersion.V500, Persistent);
        Assert.True(connAck.SessionPresent);

        // [MQTT-3.3.2-5]: the expired copy is deleted instead of delivered; [MQTT-3.3.2-6]: the others carry
        // what remains of their interval.
        var received = await resumed.DrainPublishesAsync();
        Assert.Equal(["long", "forever"], received.Select(p => p.PayloadText()));
        Assert.Equal(20u, received[0].Properties.MessageExpiryInterval);
        Assert.Null(received[1].Properties.MessageExpiryInterval);
    }

    private static PublishPacket Expiring(PublishPacket publish, uint seconds)
    {
        publish.Properties.MessageExpiryInterval = seconds;
        return publish;
    }
}
