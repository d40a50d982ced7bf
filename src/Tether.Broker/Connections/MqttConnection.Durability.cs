using System.Collections.Concurrent;
using Tether.Broker.Persistence;
using Tether.Protocol;

namespace Tether.Broker;

/// <summary>
/// Acknowledgements that wait for the store: a PUBACK, PUBREC or PUBCOMP goes out only once everything its packet
/// changed in the durable store is committed, so an acknowledged message survives a crash. The read loop never
/// waits: the acknowledgement is handed to the store and enqueued from its commit callback.
/// </summary>
internal sealed partial class MqttConnection : IStoreCommitListener
{
    // Acknowledgements handed to the store and not yet enqueued. While any are outstanding, later ones queue
    // behind them even when they changed nothing, so a publisher gets its acknowledgements in order [MQTT-4.6.0-2].
    private int _acknowledgementsAwaitingCommit;

    // Commit barriers (see EnqueueCommitBarrierIfChanged), in the order they were enqueued: the store completes them
    // from the first queue as their commits happen, the writer takes their tasks from the second as it reaches them.
    // Created by the first barrier (on the read loop, before anything can look at them): a ConcurrentQueue starts
    // with a 32-slot segment, too much to keep on every connection for a SUBSCRIBE to a stored session.
    private ConcurrentQueue<TaskCompletionSource>? _barriersAwaitingCommit;
    private ConcurrentQueue<Task>? _barriersForWriter;

    // Token of a commit barrier; acknowledgement tokens are never negative.
    private const long CommitBarrierToken = -1;

    /// <summary>
    /// SUBACK and UNSUBACK: when the packet changed a stored session, nothing more goes out to this client until
    /// the change is committed, so an acknowledged subscription survives a crash. The packets stay queued in their
    /// usual order behind a barrier in the outbound queue; neither the read loop nor the publishers wait.
    /// </summary>
    private void EnqueueCommitBarrierIfChanged()
    {
        if (!MqttBroker.TakeSubmittedChange())
        {
            return;
        }

        var barrier = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        (_barriersAwaitingCommit ??= new()).Enqueue(barrier);
        (_barriersForWriter ??= new()).Enqueue(barrier.Task);
        Enqueue(OutboundItem.ForCommitBarrier());
        _broker.Store.WhenCommitted(this, CommitBarrierToken);
    }

    /// <summary>The writer reached a barrier item: its task, enqueued with it.</summary>
    private Task TakeCommitBarrier() => _barriersForWriter is { } barriers && barriers.TryDequeue(out var barrier) ? barrier : Task.CompletedTask;

    /// <summary>Enqueues an acknowledgement now, or once the changes this thread just submitted are committed.</summary>
    private void EnqueueAckAfterCommit(PacketType type, ushort packetId, ReasonCode reasonCode)
    {
        if (!MqttBroker.TakeSubmittedChange() && Volatile.Read(ref _acknowledgementsAwaitingCommit) == 0)
        {
            EnqueueAck(type, packetId, reasonCode);
            return;
        }

        Interlocked.Increment(ref _acknowledgementsAwaitingCommit);
        _broker.Store.WhenCommitted(this, ((long)type << 24) | ((long)reasonCode << 16) | packetId);
    }

    void IStoreCommitListener.OnCommitted(long token)
    {
        if (token == CommitBarrierToken)
        {
            // Commits are reported in submission order, so this is the oldest barrier still waiting.
            if (_barriersAwaitingCommit is { } barriers && barriers.TryDequeue(out var barrier))
            {
                barrier.TrySetResult();
            }

            return;
        }

        // Enqueued before the count drops, so an acknowledgement that sees zero comes after this one.
        EnqueueAck((PacketType)(token >> 24), (ushort)token, (ReasonCode)(byte)(token >> 16));
        Interlocked.Decrement(ref _acknowledgementsAwaitingCommit);
    }

    /// <summary>Frees an incoming QoS 2 packet identifier; returns whether it was held.</summary>
    private bool ReleaseIncomingQoS2(Session session, ushort packetId)
    {
        lock (session.Gate)
        {
            if (!session.IncomingQoS2.Remove(packetId))
            {
                return false;
            }

            if (session.IsStored)
            {
                _broker.SubmitChange(new IncomingQoS2Released(session.ClientId, packetId));
            }

            return true;
        }
    }
}
