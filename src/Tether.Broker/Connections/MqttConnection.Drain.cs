using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using Tether.Protocol;

namespace Tether.Broker;

/// <summary>
/// The on-demand writer: no task waits on an idle connection's queue. The enqueue that finds the queue idle starts a
/// drain (see <see cref="OutboundQueue"/>), which writes every batch it finds, flushes once per batch and ends when the
/// queue is empty. A flush that does not complete at once (a slow client) makes the drain continue asynchronously;
/// it never blocks a thread, and producers keep queueing behind it meanwhile.
/// </summary>
internal sealed partial class MqttConnection : IThreadPoolWorkItem
{
    private OutboundQueue _outbound;

    // Completed when the drain has written the close (or given up) and completed the output; created on first use,
    // by the drain ending or by RunAsync waiting for it, so a connection that is open costs no task for it.
    private TaskCompletionSource? _writerDone;

    private TaskCompletionSource WriterDone
    {
        get
        {
            var done = Volatile.Read(ref _writerDone);
            if (done is null)
            {
                var created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                done = Interlocked.CompareExchange(ref _writerDone, created, null) ?? created;
            }

            return done;
        }
    }

    /// <summary>Queues an item; returns false when the connection is closing and the item will never be written.</summary>
    private bool Enqueue(in OutboundItem item) => Started(_outbound.Enqueue(item));

    /// <summary>Queues the close; anything enqueued after it is refused.</summary>
    private void EnqueueClose(in OutboundItem close) => Started(_outbound.TryEnqueueFinal(close));

    private bool Started(EnqueueResult result)
    {
        if (result == EnqueueResult.StartDrain)
        {
            // Not inline: producers call this under their session's lock (the router delivers under Session.Gate),
            // and a publisher fanning out would pay every subscriber's encoding and flush on its own thread. On the
            // enqueuing thread's local queue instead: that thread runs the drain as soon as it is done with the packet
            // it is handling (no other thread woken for one message at low rate), and idle threads steal drains when
            // a fan-out queues many (BENCHMARKS.md "On-demand connection writer"). The connection is its own work
            // item, so starting a drain allocates nothing.
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: true);
        }

        return result != EnqueueResult.Rejected;
    }

    void IThreadPoolWorkItem.Execute() => _ = DrainAsync();

    /// <summary>Runs while the queue has items; completes synchronously (allocating nothing) unless a flush or a barrier waits.</summary>
    private async Task DrainAsync()
    {
        var output = _transport.Output;
        var finished = false;
        try
        {
            while (!finished && _outbound.TryTakeBatch(out var batch))
            {
                try
                {
                    finished = await WriteBatchAsync(output, batch).ConfigureAwait(false);
                }
                finally
                {
                    // A batch cut short by the close (or a failure) still owes the references of the items it did
                    // not reach; ReturnChain gives them back (the ones handled were cleared from it).
                    OutboundChunk.ReturnChain(batch);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or OperationCanceledException)
        {
            RequestClose(DisconnectReason.SocketError, null, ex.Message);
            finished = true;
        }
        catch (Exception ex)
        {
            BrokerLog.ConnectionFailed(_broker.Logger, DisplayName, Info.RemoteAddress, ex);
            RequestClose(DisconnectReason.SocketError, null, ex.Message);
            finished = true;
        }

        if (finished)
        {
            await FinishWritingAsync(output).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Writes one batch in order and flushes it. Returns whether the writer is done (the close was written or the
    /// transport is gone). Each item is cleared from the batch as it is handled and its message reference released.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> WriteBatchAsync(PipeWriter output, OutboundChunk batch)
    {
        var packets = 0;
        var publishes = 0;
        long bytes = 0;
        _logSends = DebugEnabled;
        for (var chunk = batch; chunk is not null; chunk = chunk.Next)
        {
            for (var index = 0; index < chunk.Count; index++)
            {
                var item = chunk[index];
                chunk[index] = default;
                if (item.Kind == OutboundKind.Close)
                {
                    if (item.Packet is not null)
                    {
                        if (_logSends)
                        {
                            LogSending(item);
                        }

                        bytes += MqttPacketWriter.Write(output, item.Packet, ProtocolVersion);
                        packets++;
                    }

                    await FlushAsync(output, packets, publishes, bytes).ConfigureAwait(false);
                    return true;
                }

                if (item.Kind == OutboundKind.CommitBarrier)
                {
                    var barrier = TakeCommitBarrier();
                    if (!barrier.IsCompleted)
                    {
                        // What precedes the barrier goes out now; what follows waits for the commit.
                        if (bytes > 0 && !await FlushAsync(output, packets, publishes, bytes).ConfigureAwait(false))
                        {
                            return true;
                        }

                        (packets, publishes, bytes) = (0, 0, 0);
                        await barrier.ConfigureAwait(false);
                    }

                    continue;
                }

                int written;
                try
                {
                    written = WriteItem(output, item);
                }
                finally
                {
                    item.Message?.Release();
                }

                if (written > 0)
                {
                    bytes += written;
                    packets++;
                    publishes += item.Kind == OutboundKind.Publish ? 1 : 0;
                }
            }
        }

        return !await FlushAsync(output, packets, publishes, bytes).ConfigureAwait(false);
    }

    /// <summary>Counts and flushes what was written; returns false when the transport will take no more.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> FlushAsync(PipeWriter output, int packets, int publishes, long bytes)
    {
        if (bytes == 0)
        {
            return true;
        }

        _broker.Statistics.CountPacketsSent(packets, publishes, bytes);
        var flush = await output.FlushAsync().ConfigureAwait(false);
        return !flush.IsCompleted && !flush.IsCanceled;
    }

    /// <summary>
    /// The writer is done: make sure the connection is closing, give back the references of every item still queued
    /// (none can arrive later: the close completed the queue, and a late EnqueuePublish releases its own), complete
    /// the output and let RunAsync finish.
    /// </summary>
    private async ValueTask FinishWritingAsync(PipeWriter output)
    {
        RequestClose(DisconnectReason.SocketClosed, null, "connection closed");
        while (_outbound.TryTakeBatch(out var batch))
        {
            OutboundChunk.ReturnChain(batch);
        }

        try
        {
            await output.CompleteAsync().ConfigureAwait(false);
        }
        finally
        {
            WriterDone.TrySetResult();
        }
    }
}
