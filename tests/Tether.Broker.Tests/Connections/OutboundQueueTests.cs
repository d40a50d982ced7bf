using Tether.Protocol;

namespace Tether.Broker.Tests.Connections;

/// <summary>
/// The outbound queue on its own: many producers, one drain at a time, order kept per producer, storage only while
/// items are queued, and no item left behind when an enqueue races the drain giving up.
/// </summary>
public sealed class OutboundQueueTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public void The_first_enqueue_starts_the_drain_and_later_ones_queue_behind_it()
    {
        var holder = new Holder();
        Assert.Equal(EnqueueResult.StartDrain, holder.Queue.Enqueue(Item(1)));
        Assert.Equal(EnqueueResult.Queued, holder.Queue.Enqueue(Item(2)));

        Assert.True(holder.Queue.TryTakeBatch(out var batch));
        Assert.Equal([1, 2], PacketIds(batch));
        OutboundChunk.ReturnChain(batch);

        // Still draining until the drain finds the queue empty; only then does an enqueue start a new drain.
        Assert.Equal(EnqueueResult.Queued, holder.Queue.Enqueue(Item(3)));
        Assert.True(holder.Queue.TryTakeBatch(out batch));
        Assert.Equal([3], PacketIds(batch));
        OutboundChunk.ReturnChain(batch);
        Assert.False(holder.Queue.TryTakeBatch(out _));
        Assert.Equal(EnqueueResult.StartDrain, holder.Queue.Enqueue(Item(4)));
    }

    [Fact]
    public void A_batch_of_many_chunks_keeps_every_item_in_order()
    {
        var holder = new Holder();
        for (ushort id = 1; id <= 1000; id++)
        {
            Assert.NotEqual(EnqueueResult.Rejected, holder.Queue.Enqueue(Item(id)));
        }

        Assert.True(holder.Queue.TryTakeBatch(out var batch));
        Assert.Equal(Enumerable.Range(1, 1000), PacketIds(batch));
        OutboundChunk.ReturnChain(batch);
    }

    [Fact]
    public void A_chain_given_back_is_cleared_so_it_holds_no_message_alive()
    {
        var holder = new Holder();
        for (ushort id = 1; id <= OutboundChunk.Capacity + 1; id++)
        {
            holder.Queue.Enqueue(Item(id));
        }

        Assert.True(holder.Queue.TryTakeBatch(out var batch));
        var second = batch.Next;
        Assert.NotNull(second);
        Assert.Equal((OutboundChunk.Capacity, 1), (batch.Count, second.Count));

        OutboundChunk.ReturnChain(batch);

        Assert.Equal((0, 0), (batch.Count, second.Count));
        Assert.Null(batch.Next);
        Assert.Equal(default(OutboundItem).PacketId, batch[0].PacketId);
        Assert.Equal(OutboundKind.Publish, batch[OutboundChunk.Capacity - 1].Kind);
        Assert.Null(batch[OutboundChunk.Capacity - 1].Packet);
    }

    [Fact]
    public void After_the_final_item_the_queue_refuses_more_but_still_hands_out_what_it_holds()
    {
        var holder = new Holder();
        Assert.Equal(EnqueueResult.StartDrain, holder.Queue.Enqueue(Item(1)));
        Assert.Equal(EnqueueResult.Queued, holder.Queue.TryEnqueueFinal(OutboundItem.ForClose(null)));
        Assert.True(holder.Queue.IsCompleted);
        Assert.Equal(EnqueueResult.Rejected, holder.Queue.Enqueue(Item(2)));
        Assert.Equal(EnqueueResult.Rejected, holder.Queue.TryEnqueueFinal(OutboundItem.ForClose(null)));

        Assert.True(holder.Queue.TryTakeBatch(out var batch));
        Assert.Equal([OutboundKind.Ack, OutboundKind.Close], Items(batch).Select(item => item.Kind));
        OutboundChunk.ReturnChain(batch);
        Assert.False(holder.Queue.TryTakeBatch(out _));
        Assert.Equal(EnqueueResult.Rejected, holder.Queue.Enqueue(Item(3)));
    }

    [Fact]
    public async Task Concurrent_producers_each_see_their_items_drained_in_order_and_only_one_drain_runs_at_a_time()
    {
        const int producers = 4;
        const int perProducer = 5000;
        var holder = new Holder();
        using var drainStarts = new SemaphoreSlim(0);
        var received = new List<ushort>[producers];
        for (var p = 0; p < producers; p++)
        {
            received[p] = [];
        }

        var drainsStarted = 0;
        var drainsEnded = 0;
        var drainer = Task.Run(() =>
        {
            var total = 0;
            while (total < producers * perProducer)
            {
                Assert.True(drainStarts.Wait(Timeout), "no drain was started for items still queued");
                while (holder.Queue.TryTakeBatch(out var batch))
                {
                    foreach (var item in Items(batch))
                    {
                        received[(int)item.ReasonCode].Add(item.PacketId);
                        total++;
                    }

                    OutboundChunk.ReturnChain(batch);
                }

                drainsEnded++;
            }
        });

        var producing = Enumerable.Range(0, producers).Select(p => Task.Run(() =>
        {
            for (ushort id = 1; id <= perProducer; id++)
            {
                if (holder.Queue.Enqueue(OutboundItem.ForAck(PacketType.PubAck, id, (ReasonCode)p)) == EnqueueResult.StartDrain)
                {
                    Interlocked.Increment(ref drainsStarted);
                    drainStarts.Release();
                }
            }
        })).ToArray();

        await Task.WhenAll(producing).WaitAsync(Timeout);
        await drainer.WaitAsync(Timeout);
        for (var p = 0; p < producers; p++)
        {
            Assert.Equal(Enumerable.Range(1, perProducer).Select(i => (ushort)i), received[p]);
        }

        // Every drain started was run and ended by the drainer: a second StartDrain while one ran would leave an extra
        // semaphore count behind (or have two drains racing on the batch).
        Assert.Equal(drainsStarted, drainsEnded);
        Assert.Equal(0, drainStarts.CurrentCount);
    }

    [Fact]
    public async Task An_enqueue_racing_the_end_of_a_drain_is_never_stranded()
    {
        const int rounds = 20_000;
        var holder = new Holder();
        using var bothReady = new Barrier(2);
        var lateItemDrainedByProducer = 0;
        var lateItemDrainedByDrain = 0;

        var producer = Task.Run(() =>
        {
            for (var round = 0; round < rounds; round++)
            {
                Assert.True(bothReady.SignalAndWait(Timeout));
                if (holder.Queue.Enqueue(Item(2)) == EnqueueResult.StartDrain)
                {
                    // The drain had given up before this item arrived: this enqueue now owns the drain and must find it.
                    Assert.True(holder.Queue.TryTakeBatch(out var batch));
                    Assert.Equal([2], PacketIds(batch));
                    OutboundChunk.ReturnChain(batch);
                    Assert.False(holder.Queue.TryTakeBatch(out _));
                    lateItemDrainedByProducer++;
                }

                Assert.True(bothReady.SignalAndWait(Timeout));
            }
        });

        var drain = Task.Run(() =>
        {
            for (var round = 0; round < rounds; round++)
            {
                Assert.Equal(EnqueueResult.StartDrain, holder.Queue.Enqueue(Item(1)));
                Assert.True(bothReady.SignalAndWait(Timeout));
                var seen = new List<int>();
                while (holder.Queue.TryTakeBatch(out var batch))
                {
                    seen.AddRange(PacketIds(batch));
                    OutboundChunk.ReturnChain(batch);
                }

                if (seen.Count == 2)
                {
                    lateItemDrainedByDrain++;
                }
                else
                {
                    Assert.Equal([1], seen);
                }

                Assert.True(bothReady.SignalAndWait(Timeout));
            }
        });

        await Task.WhenAll(producer, drain).WaitAsync(Timeout * 2);
        Assert.Equal(rounds, lateItemDrainedByProducer + lateItemDrainedByDrain);
    }

    private static OutboundItem Item(ushort packetId) => OutboundItem.ForAck(PacketType.PubAck, packetId, ReasonCode.Success);

    private static List<int> PacketIds(OutboundChunk batch) => Items(batch).Select(item => (int)item.PacketId).ToList();

    private static List<OutboundItem> Items(OutboundChunk? batch)
    {
        var items = new List<OutboundItem>();
        for (var chunk = batch; chunk is not null; chunk = chunk.Next)
        {
            Assert.InRange(chunk.Count, 1, OutboundChunk.Capacity);
            for (var i = 0; i < chunk.Count; i++)
            {
                items.Add(chunk[i]);
            }
        }

        return items;
    }

    /// <summary>The queue is a mutable struct; tests use it through a field, as the connection does.</summary>
    private sealed class Holder
    {
        public OutboundQueue Queue;
    }
}
