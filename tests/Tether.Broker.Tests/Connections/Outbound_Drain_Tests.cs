using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using Tether.Broker.Tests.Broker;
using Tether.Broker.Tests.Support;
using Tether.Protocol;

namespace Tether.Broker.Tests.Connections;

/// <summary>
/// The on-demand writer of a real connection: whatever thread enqueues, items reach the wire in order, an enqueue that
/// races the end of a drain still goes out, the close is the last thing written, items behind a commit barrier wait
/// for the commit, and every queued message reference is given back when the client goes away first.
/// </summary>
public sealed class Outbound_Drain_Tests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Items_from_concurrent_producers_reach_the_wire_in_each_producers_order()
    {
        const int producers = 4;
        const int perProducer = 2000;
        await using var harness = new BrokerHarness();
        var output = new Pipe();
        var connection = Open(harness, output.Writer);

        var producing = Enumerable.Range(0, producers).Select(p => Task.Run(() =>
        {
            for (var i = 1; i <= perProducer; i++)
            {
                connection.EnqueueAck(PacketType.PubAck, (ushort)((p * 10_000) + i), ReasonCode.Success);
            }
        })).ToArray();

        var ids = await ReadPacketIdsAsync(output.Reader, producers * perProducer).WaitAsync(Timeout);
        await Task.WhenAll(producing).WaitAsync(Timeout);
        for (var p = 0; p < producers; p++)
        {
            var own = ids.Where(id => id / 10_000 == p).Select(id => id % 10_000);
            Assert.Equal(Enumerable.Range(1, perProducer), own);
        }
    }

    [Fact]
    public async Task An_enqueue_right_after_a_drain_wrote_its_batch_is_written_too()
    {
        // Each item is enqueued as soon as the previous one has arrived, that is while the drain that wrote it is
        // between its flush and finding the queue empty: the race in which an item could be stranded.
        const int rounds = 5000;
        await using var harness = new BrokerHarness();
        var output = new Pipe();
        var connection = Open(harness, output.Writer);
        for (var round = 1; round <= rounds; round++)
        {
            connection.EnqueueAck(PacketType.PubAck, (ushort)round, ReasonCode.Success);
            var ids = await ReadPacketIdsAsync(output.Reader, 1).WaitAsync(Timeout);
            Assert.Equal(round, ids[0]);
        }
    }

    [Fact]
    public async Task The_close_is_written_after_everything_queued_before_it_and_nothing_after_it()
    {
        await using var harness = new BrokerHarness();
        var output = new Pipe();
        var connection = Open(harness, output.Writer);
        for (ushort id = 1; id <= 3; id++)
        {
            connection.EnqueueAck(PacketType.PubAck, id, ReasonCode.Success);
        }

        Assert.True(connection.RequestClose(DisconnectReason.ServerShutdown, null, "test"));
        connection.EnqueueAck(PacketType.PubAck, 4, ReasonCode.Success);

        Assert.Equal([1, 2, 3], await ReadPacketIdsAsync(output.Reader, int.MaxValue).WaitAsync(Timeout));
    }

    [Fact]
    public async Task A_taken_over_5_0_connection_gets_its_queued_messages_then_the_disconnect_then_the_close()
    {
        await using var harness = new BrokerHarness();
        var old = await harness.ConnectAsync("sub", ProtocolVersion.V500);
        await old.SubscribeAsync(1, "t");
        var publisher = await harness.ConnectAsync("pub");
        for (var i = 1; i <= 10; i++)
        {
            await publisher.SendAsync(Packets.Publish("t", "m" + i));
        }

        // PINGRESP: the publisher's PUBLISHes before it have been routed, so they are queued (or written) for "sub".
        await publisher.AssertNothingPendingAsync();
        await using var taker = await harness.ConnectAsync("sub", ProtocolVersion.V500);

        var packets = await old.ReceiveUntilClosedAsync();
        Assert.Equal(11, packets.Count);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => "m" + i), packets.Take(10).Select(p => ((PublishPacket)p).PayloadText()));
        Assert.Equal(ReasonCode.SessionTakenOver, Assert.IsType<DisconnectPacket>(packets[10]).ReasonCode);
        await old.BrokerSide.WaitAsync(Timeout);
        Assert.Equal(0, harness.Broker.MessagePool.Outstanding);
    }

    [Fact]
    public async Task Messages_behind_a_commit_barrier_are_held_until_the_commit_while_those_before_it_go_out()
    {
        var store = new ManualCommitStore();
        await using var harness = new BrokerHarness(store: store);
        var pool = harness.Broker.MessagePool;
        var (subscriber, _) = await harness.ConnectAsync(new ConnectPacket { ClientId = "sub", CleanSession = false });
        await subscriber.SendAsync(Packets.Subscribe(1, "a"));
        await store.ListenerWaitingAsync().WaitAsync(Timeout);
        store.CommitAll();
        await subscriber.ReceiveAsync<SubAckPacket>();
        var publisher = await harness.ConnectAsync("pub");

        await publisher.SendAsync(Packets.Publish("a", "before"));
        await publisher.AssertNothingPendingAsync();
        await subscriber.SendAsync(Packets.Subscribe(2, "b"));
        await store.ListenerWaitingAsync().WaitAsync(Timeout);
        await publisher.SendAsync(Packets.Publish("a", "after"));
        await publisher.AssertNothingPendingAsync();

        // "before" precedes the barrier and goes out although the commit is pending; "after" is held, unwritten (a
        // written message would have been released by now), until the commit lets the SUBACK and then it go.
        Assert.Equal("before", (await subscriber.ReceiveAsync<PublishPacket>()).PayloadText());
        Assert.Equal(1, pool.Outstanding);
        store.CommitAll();
        Assert.Equal(2, (await subscriber.ReceiveAsync<SubAckPacket>()).PacketId);
        Assert.Equal("after", (await subscriber.ReceiveAsync<PublishPacket>()).PayloadText());
        await subscriber.AssertNothingPendingAsync();
        Assert.Equal(0, pool.Outstanding);
    }

    [Fact]
    public async Task Messages_still_queued_when_the_client_goes_away_are_released_and_later_ones_refused()
    {
        await using var harness = new BrokerHarness();
        var pool = harness.Broker.MessagePool;
        var output = new GatedPipeWriter();
        var connection = Open(harness, output);

        // The first drain writes the PINGRESP and waits in its flush: a client that does not read.
        connection.EnqueuePacket(PingRespPacket.Instance);
        await output.FlushWaiting.WaitAsync(Timeout);
        for (var i = 0; i < 5; i++)
        {
            var message = Rent(pool, "queued " + i);
            connection.EnqueuePublish(message, 0, QualityOfService.AtMostOnce, retain: false, dup: false, subscriptionIdentifiers: null);
            message.Release();
        }

        Assert.Equal(5, pool.Outstanding);

        output.ReleaseFlush(clientGone: true);
        await output.Completed.WaitAsync(Timeout);
        Assert.True(connection.IsClosing);
        Assert.Equal(0, pool.Outstanding);

        var late = Rent(pool, "late");
        connection.EnqueuePublish(late, 0, QualityOfService.AtMostOnce, retain: false, dup: false, subscriptionIdentifiers: null);
        late.Release();
        Assert.Equal(0, pool.Outstanding);
        Assert.Equal(6, pool.Rented);
    }

    [Fact]
    public async Task A_flush_that_waits_lets_producers_queue_behind_it_and_the_batch_goes_out_when_it_completes()
    {
        await using var harness = new BrokerHarness();
        var output = new GatedPipeWriter();
        var connection = Open(harness, output);
        connection.EnqueueAck(PacketType.PubAck, 1, ReasonCode.Success);
        await output.FlushWaiting.WaitAsync(Timeout);

        // The enqueuing thread returns at once although the drain is stuck in a flush.
        for (ushort id = 2; id <= 100; id++)
        {
            connection.EnqueueAck(PacketType.PubAck, id, ReasonCode.Success);
        }

        output.ReleaseFlush(clientGone: false);
        Assert.Equal(Enumerable.Range(1, 100), await ReadPacketIdsAsync(output.Reader, 100).WaitAsync(Timeout));
        Assert.False(connection.IsClosing);
    }

    private static MqttConnection Open(BrokerHarness harness, PipeWriter output)
    {
        var input = new Pipe();
        var info = new ConnectionInfo("drain-test", new IPEndPoint(IPAddress.Loopback, 40000), new IPEndPoint(IPAddress.Loopback, 1883), "test");
        return new MqttConnection(harness.Broker, new Duplex(input.Reader, output), info);
    }

    private static ApplicationMessage Rent(MessagePool pool, string payload) =>
        pool.Rent("t", "t"u8.ToArray(), new ReadOnlySequence<byte>(System.Text.Encoding.UTF8.GetBytes(payload)), QualityOfService.AtMostOnce, retain: false, properties: null, expiresAt: null, publisherClientId: "pub");

    /// <summary>Reads acknowledgements until <paramref name="count"/> have arrived or the writer completed; returns their packet ids.</summary>
    private static async Task<List<int>> ReadPacketIdsAsync(PipeReader input, int count)
    {
        var reader = new MqttPacketReader(ProtocolVersion.V311);
        var ids = new List<int>();
        while (ids.Count < count)
        {
            var result = await input.ReadAsync();
            var buffer = result.Buffer;
            while (ids.Count < count && reader.TryRead(ref buffer, out var packet, out _) == ReadStatus.Packet)
            {
                ids.Add(((AckPacket)packet!).PacketId);
            }

            if (ids.Count >= count)
            {
                input.AdvanceTo(buffer.Start);
                break;
            }

            input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                Assert.True(buffer.IsEmpty, "the connection ended in the middle of a packet");
                break;
            }
        }

        return ids;
    }

    private sealed record Duplex(PipeReader Input, PipeWriter Output) : IDuplexPipe;
}
