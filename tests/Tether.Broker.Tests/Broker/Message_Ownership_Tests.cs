using System.Buffers;
using Tether.Broker.Tests.Support;
using Tether.Protocol;

namespace Tether.Broker.Tests.Broker;

/// <summary>
/// Who holds a pooled message and when it goes back (see ApplicationMessage): every holder releases exactly once,
/// and a message still held is never overwritten by the pools' reuse. The broker's pool counts messages rented and
/// returned, so "returned" is observable. Each point is checked after a reply that the broker sends only once the
/// step in question is done (PUBACK to the publisher, PINGRESP after a PUBACK, CONNACK after a session ends).
/// </summary>
public sealed class Message_Ownership_Tests
{
    [Theory]
    [InlineData(ProtocolVersion.V311)]
    [InlineData(ProtocolVersion.V500)]
    public async Task Delivered_and_acknowledged_messages_return_to_the_pool(ProtocolVersion version)
    {
        await using var harness = new BrokerHarness();
        var pool = harness.Broker.MessagePool;
        var qos0 = await harness.ConnectAsync("sub0", version);
        await qos0.SubscribeAsync(1, "m/#");
        var qos1 = await harness.ConnectAsync("sub1", version);
        await qos1.SubscribeAsync(1, "m/#", QualityOfService.AtLeastOnce);
        var publisher = await harness.ConnectAsync("pub", version);

        for (ushort i = 1; i <= 5; i++)
        {
            await publisher.PublishAcknowledgedAsync(Packets.Publish("m/" + i, "payload " + i, QualityOfService.AtLeastOnce, i));
        }

        var atMostOnce = await qos0.DrainPublishesAsync();
        Assert.Equal(5, atMostOnce.Count);
        for (var i = 0; i < 5; i++)
        {
            var publish = await qos1.ReceiveAsync<PublishPacket>();
            Assert.Equal("payload " + (i + 1), publish.PayloadText());
            await qos1.SendAsync(new AckPacket(PacketType.PubAck) { PacketId = publish.PacketId });
        }

        // The PINGRESP comes after the broker handled every PUBACK before it: the in-flight entries are gone.
        await qos1.AssertNothingPendingAsync();
        Assert.Equal(5, pool.Rented);
        Assert.Equal(0, pool.Outstanding);
    }

    [Fact]
    public async Task A_message_queued_for_an_offline_session_returns_when_the_session_ends()
    {
        await using var harness = new BrokerHarness();
        var pool = harness.Broker.MessagePool;
        await GoOfflineWithSubscriptionAsync(harness, "away", "q/#");
        var publisher = await harness.ConnectAsync("pub");
        await publisher.PublishAcknowledgedAsync(Packets.Publish("q/1", "queued", QualityOfService.AtLeastOnce, 1));
        Assert.Equal(1, pool.Outstanding); // held by the offline session's queue

        // A clean session for the same client id ends the old one [MQTT-3.1.2-6] (3.1.1): its queue is dropped.
        var (fresh, connAck) = await harness.ConnectAsync(new ConnectPacket { ClientId = "away", CleanSession = true });
        Assert.False(connAck.SessionPresent);
        await fresh.AssertNothingPendingAsync();
        Assert.Equal(0, pool.Outstanding);
    }

    [Fact]
    public async Task An_unacknowledged_message_is_resent_after_reconnect_and_returns_on_its_acknowledgement()
    {
        await using var harness = new BrokerHarness();
        var pool = harness.Broker.MessagePool;
        var first = await harness.ConnectAsync("resume", clean: false);
        await first.SubscribeAsync(1, "r/#", QualityOfService.AtLeastOnce);
        var publisher = await harness.ConnectAsync("pub");
        await publisher.PublishAcknowledgedAsync(Packets.Publish("r/1", "in flight", QualityOfService.AtLeastOnce, 1));
        var unacknowledged = await first.ReceiveAsync<PublishPacket>();
        Assert.Equal("in flight", unacknowledged.PayloadText());
        await first.CloseAsync();
        await first.BrokerEndedAsync();
        Assert.Equal(1, pool.Outstanding); // the in-flight entry keeps it

        var (second, connAck) = await harness.ConnectAsync(new ConnectPacket { ClientId = "resume", CleanSession = false });
        Assert.True(connAck.SessionPresent);
        var resent = await second.ReceiveAsync<PublishPacket>();
        Assert.True(resent.Dup); // [MQTT-3.3.1-1]
        Assert.Equal("in flight", resent.PayloadText());
        await second.SendAsync(new AckPacket(PacketType.PubAck) { PacketId = resent.PacketId });
        await second.AssertNothingPendingAsync();
        Assert.Equal(0, pool.Outstanding);
    }

    [Fact]
    public async Task Replacing_or_clearing_a_retained_message_returns_the_previous_one()
    {
        await using var harness = new BrokerHarness();
        var pool = harness.Broker.MessagePool;
        var publisher = await harness.ConnectAsync("pub");
        await publisher.PublishAcknowledgedAsync(Packets.Publish("state", "first", QualityOfService.AtLeastOnce, 1, retain: true));
        Assert.Equal(1, pool.Outstanding); // the retained store's

        await publisher.PublishAcknowledgedAsync(Packets.Publish("state", "second", QualityOfService.AtLeastOnce, 2, retain: true));
        Assert.Equal(2, pool.Rented);
        Assert.Equal(1, pool.Outstanding);

        var subscriber = await harness.ConnectAsync("sub");
        await subscriber.SubscribeAsync(1, "state");
        var retained = Assert.Single(await subscriber.DrainPublishesAsync());
        Assert.Equal("second", retained.PayloadText());
        Assert.Equal(1, pool.Outstanding); // sending it to the new subscription took and gave back its own reference

        // [MQTT-3.3.1-10] (3.1.1): an empty retained payload removes the retained message.
        await publisher.PublishAcknowledgedAsync(Packets.Publish("state", "", QualityOfService.AtLeastOnce, 3, retain: true));
        await subscriber.DrainPublishesAsync();
        Assert.Equal(0, harness.Broker.RetainedCount);
        Assert.Equal(0, pool.Outstanding);
    }

    [Fact]
    public async Task Messages_dropped_by_max_queued_messages_return_at_once()
    {
        await using var harness = new BrokerHarness(BrokerOptions.Default with { SysIntervalSeconds = 0, MaxQueuedMessages = 1 });
        var pool = harness.Broker.MessagePool;
        await GoOfflineWithSubscriptionAsync(harness, "slow", "d/#");
        var publisher = await harness.ConnectAsync("pub");
        for (ushort i = 1; i <= 3; i++)
        {
            await publisher.PublishAcknowledgedAsync(Packets.Publish("d/" + i, "m" + i, QualityOfService.AtLeastOnce, i));
        }

        Assert.Equal(3, pool.Rented);
        Assert.Equal(1, pool.Outstanding); // only the one that fitted the queue
    }

    [Fact]
    public async Task A_queued_message_is_intact_after_the_pools_reused_and_scribbled_over_their_buffers()
    {
        await using var harness = new BrokerHarness();
        await GoOfflineWithSubscriptionAsync(harness, "late", "keep/#");
        var publisher = await harness.ConnectAsync("pub");
        const string Kept = "the payload that must survive";
        await publisher.PublishAcknowledgedAsync(Packets.Publish("keep/1", Kept, QualityOfService.AtLeastOnce, 1));

        // Traffic nobody subscribed to: each message rents a buffer of the same size and returns it at once.
        var sameSize = new string('x', Kept.Length);
        for (ushort i = 1; i <= 50; i++)
        {
            await publisher.PublishAcknowledgedAsync(Packets.Publish("other/" + i, sameSize, QualityOfService.AtLeastOnce, i));
        }

        // And whatever the shared array pool hands out next gets overwritten, as another user of it would.
        for (var i = 0; i < 50; i++)
        {
            var scribble = ArrayPool<byte>.Shared.Rent(Kept.Length);
            scribble.AsSpan().Fill(0xFF);
            ArrayPool<byte>.Shared.Return(scribble);
        }

        var (subscriber, connAck) = await harness.ConnectAsync(new ConnectPacket { ClientId = "late", CleanSession = false });
        Assert.True(connAck.SessionPresent);
        var delivered = await subscriber.ReceiveAsync<PublishPacket>();
        Assert.Equal(Kept, delivered.PayloadText());
    }

#if DEBUG
    [Fact]
    public void Releasing_a_message_more_often_than_it_was_referenced_is_caught_in_debug_builds()
    {
        var pool = new MessagePool();
        var message = pool.Rent("t", "t"u8.ToArray(), new ReadOnlySequence<byte>([1, 2, 3]), QualityOfService.AtMostOnce, false, null, null, null);
        message.AddRef();
        message.Release();
        message.Release();
        Assert.Equal(1, pool.Returned);
        Assert.Throws<InvalidOperationException>(message.Release);
    }
#endif

    [Fact]
    public void Broker_generated_messages_are_not_pooled_and_ignore_references()
    {
        var message = ApplicationMessage.Create("$SYS/x", new byte[] { 1 }, QualityOfService.AtMostOnce, retain: false);
        message.AddRef();
        message.Release();
        message.Release();
        Assert.False(message.IsPooled);
        Assert.Equal(new byte[] { 1 }, message.Payload.ToArray());
    }

    private static async Task GoOfflineWithSubscriptionAsync(BrokerHarness harness, string clientId, string filter)
    {
        var client = await harness.ConnectAsync(clientId, clean: false);
        await client.SubscribeAsync(1, filter, QualityOfService.AtLeastOnce);
        await client.SendAsync(new DisconnectPacket());
        await client.BrokerEndedAsync();
    }
}
