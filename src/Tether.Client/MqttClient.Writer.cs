using System.Buffers;
using Tether.Protocol;

namespace Tether.Client;

/// <summary>
/// The outbound side of a connection: one writer loop drains the control packets (acknowledgements, PINGREQ,
/// SUBSCRIBE, DISCONNECT, resends) and then the publish queue into the pipe, and flushes once per batch, so a burst
/// of publishes costs one system call rather than one each. QoS 1 and 2 publishes fill the in-flight window without
/// waiting for each acknowledgement. Control packets go first, as MQTTnet's control lane does, so an acknowledgement
/// is never stuck behind bulk data.
/// </summary>
public sealed partial class MqttClient
{
    // A batch ends at whichever comes first; 64 KiB matches the socket's send buffer order of magnitude, and the
    // packet cap keeps a flood of tiny messages from delaying their completions for long.
    private const int MaxBatchBytes = 64 * 1024;
    private const int MaxBatchPackets = 1024;

    /// <summary>Queues a packet to be written on <paramref name="connection"/> without waiting for it.</summary>
    private static void EnqueueWrite(Connection connection, MqttPacket packet)
    {
        connection.Control.Enqueue(new PendingWrite(packet, null));
        connection.Signal.Set();
    }

    /// <summary>Queues a packet and waits until it has been flushed to the transport.</summary>
    private static async ValueTask WriteAsync(Connection connection, MqttPacket packet, CancellationToken cancellationToken)
    {
        if (connection.IsLost)
        {
            throw new MqttClientException("The connection was lost.");
        }

        var written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.Control.Enqueue(new PendingWrite(packet, written));
        connection.Signal.Set();

        // Closing the connection cancels a write stuck on a dead peer.
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, connection.Stopping.Token);
        try
        {
            await written.Task.WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new MqttClientException("The connection was lost.");
        }
    }

    private void WakeWriter() => Volatile.Read(ref _connection)?.Signal.Set();

    private async Task WriterLoopAsync(Connection connection)
    {
        await Task.Yield();
        var output = connection.Transport.Output;
        var token = connection.Stopping.Token;

        // Reused for every publish of this loop: encoding a publish allocates nothing.
        var publish = new PublishPacket();
        var unflushedAtMostOnce = new List<OutgoingPublish>();
        var flushWaiters = new List<TaskCompletionSource>();
        try
        {
            while (true)
            {
                await connection.Signal.WaitAsync(token).ConfigureAwait(false);
                while (true)
                {
                    var packets = 0;
                    long bytes = 0;
                    while (packets < MaxBatchPackets && bytes < MaxBatchBytes && connection.Control.TryDequeue(out var pending))
                    {
                        Trace(MqttPacketDirection.Sent, pending.Packet);
                        bytes += MqttPacketWriter.Write(output, pending.Packet, connection.Version);
                        packets++;
                        if (pending.Written is { } waiter)
                        {
                            flushWaiters.Add(waiter);
                        }
                    }

                    while (connection.PublishesEnabled && packets < MaxBatchPackets && bytes < MaxBatchBytes && TryTakePublish(out var item))
                    {
                        FillPublish(publish, item, duplicate: false);
                        Trace(MqttPacketDirection.Sent, publish);
                        bytes += MqttPacketWriter.Write(output, publish, connection.Version);
                        packets++;
                        if (item.QoS == QualityOfService.AtMostOnce)
                        {
                            unflushedAtMostOnce.Add(item);
                        }
                    }

                    publish.Reset();
                    if (packets == 0)
                    {
                        break;
                    }

                    var flushed = await output.FlushAsync(token).ConfigureAwait(false);
                    if (flushed.IsCompleted)
                    {
                        throw new IOException("The connection is closed.");
                    }

                    foreach (var item in unflushedAtMostOnce)
                    {
                        item.Completion.TrySetResult();
                    }

                    foreach (var waiter in flushWaiters)
                    {
                        waiter.TrySetResult();
                    }

                    unflushedAtMostOnce.Clear();
                    flushWaiters.Clear();
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // The connection ended; the next one picks up where this one stopped.
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Not awaited: closing waits for this loop to end.
            _ = CloseAsync(connection, Classify(e, connecting: false));
        }
        finally
        {
            // QoS 0 messages of the broken batch may not have left: they go first after a reconnect (or fail with the
            // rest of the queue when the client is closed). QoS 1 and 2 ones are in flight and are resent with DUP.
            _queue.RequeueAtHead(unflushedAtMostOnce);
            var lost = new MqttClientException("The connection was lost before the packet was sent.");
            foreach (var waiter in flushWaiters)
            {
                waiter.TrySetException(lost);
            }

            while (connection.Control.TryDequeue(out var pending))
            {
                pending.Written?.TrySetException(lost);
            }
        }
    }

    /// <summary>
    /// Takes the next publish if it may go now: QoS 0 always, QoS 1 and 2 while the in-flight window has room
    /// [MQTT-4.9.0-2]. A QoS 1 or 2 message enters the in-flight table before it is written, so a connection lost
    /// mid-write resends it.
    /// </summary>
    private bool TryTakePublish(out OutgoingPublish item)
    {
        lock (_gate)
        {
            if (!_queue.TryPeek(out item))
            {
                return false;
            }

            if (item.QoS != QualityOfService.AtMostOnce)
            {
                if (_inflight.Count >= _receiveMaximum)
                {
                    return false;
                }

                item.PacketId = AllocatePacketId();
                item.Sequence = ++_inflightSequence;
                _inflight[item.PacketId] = item;
            }

            _queue.RemoveHead();
            return true;
        }
    }

    private PublishPacket BuildPublish(OutgoingPublish item, bool duplicate)
    {
        var packet = new PublishPacket();
        FillPublish(packet, item, duplicate);
        return packet;
    }

    private void FillPublish(PublishPacket packet, OutgoingPublish item, bool duplicate)
    {
        packet.Reset();
        var message = item.Message;
        packet.Topic = item.Topic;
        packet.Payload = new ReadOnlySequence<byte>(message.Payload);
        packet.QoS = message.QoS;
        packet.Retain = message.Retain;
        packet.PacketId = item.PacketId;
        packet.Dup = duplicate && message.QoS != QualityOfService.AtMostOnce;
        if (_options.ProtocolVersion == ProtocolVersion.V500)
        {
            ApplyProperties(message, packet.Properties);
        }
    }

    private void Trace(MqttPacketDirection direction, MqttPacket packet)
    {
        if (_options.PacketObserver is { } observer)
        {
            observer(direction, packet);
        }
    }

    /// <summary>A packet waiting for the writer loop, with whoever waits for it to be flushed.</summary>
    private readonly record struct PendingWrite(MqttPacket Packet, TaskCompletionSource? Written);
}
