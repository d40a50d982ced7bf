using Tether.Broker.Persistence;
using Tether.Protocol;

namespace Tether.Broker;

/// <summary>Outgoing QoS flows: packet ids, the in-flight window, the offline queue and redelivery.</summary>
/// <remarks>
/// Each in-flight entry and each pending entry holds one reference to its message (see
/// <see cref="ApplicationMessage"/>): taken when the entry is added, released when it is removed (acknowledged,
/// discarded, sent on from the queue, expired, or dropped with the session in <see cref="End"/>).
/// </remarks>
internal sealed partial class Session
{
    // Created on first use: most sessions never have a QoS 1/2 message in flight or queued, and an idle
    // connection should not pay for the empty collections (BENCHMARKS.md "Memory per idle connection").
    private Dictionary<ushort, InflightMessage>? _inflight;
    private Queue<QueuedDelivery>? _pending;
    private long _pendingBytes;
    private long _inflightBytes;
    private ushort _lastPacketId;

    /// <summary>The most messages this session may have in flight: the broker's limit and the client's receive maximum.</summary>
    public int InflightLimit { get; set; } = 20;

    public int InflightCount
    {
        get
        {
            lock (Gate)
            {
                return _inflight?.Count ?? 0;
            }
        }
    }

    /// <summary>Messages queued (not in flight), in memory and paged out.</summary>
    public int QueuedCount
    {
        get
        {
            lock (Gate)
            {
                return QueueLength;
            }
        }
    }

    /// <summary>Hands a message to this session, to send now, queue, or drop by the limits.</summary>
    public void Deliver(ApplicationMessage message, QualityOfService qos, bool retain, uint[]? subscriptionIdentifiers)
    {
        lock (Gate)
        {
            if (IsEnded)
            {
                return;
            }

            var connection = Connection;
            if (qos == QualityOfService.AtMostOnce)
            {
                if (connection is not null)
                {
                    connection.EnqueuePublish(message, 0, qos, retain, dup: false, subscriptionIdentifiers);
                }
                else if (_broker.Options.QueueQoS0Messages && !ExpiresWhenDisconnected)
                {
                    Enqueue(new QueuedDelivery(message, qos, retain, subscriptionIdentifiers, _broker.NextDeliverySequence()));
                }

                return;
            }

            if (connection is not null && QueueLength == 0 && HasInflightRoom)
            {
                SendNow(connection, message, qos, retain, subscriptionIdentifiers, _broker.NextDeliverySequence(), fromQueue: false);
                return;
            }

            Enqueue(new QueuedDelivery(message, qos, retain, subscriptionIdentifiers, _broker.NextDeliverySequence()));
        }
    }

    /// <summary>PUBACK for a QoS 1 message, or PUBCOMP for QoS 2: the message is done.</summary>
    public void Complete(ushort packetId, PacketType ackType)
    {
        lock (Gate)
        {
            if (_inflight is null || !_inflight.TryGetValue(packetId, out var entry))
            {
                return;
            }

            var expected = entry.QoS == QualityOfService.AtLeastOnce ? PacketType.PubAck : PacketType.PubComp;
            if (ackType != expected || (ackType == PacketType.PubComp && !entry.Released))
            {
                return;
            }

            RemoveInflight(packetId, out _);
            RecordCompleted(entry.Sequence);
            _broker.Statistics.CountDelivered();
            PumpPending();
        }
    }

    /// <summary>PUBREC: the receiver has the QoS 2 message; release it. Returns whether the id was known.</summary>
    public bool Receive(ushort packetId, ReasonCode reasonCode)
    {
        lock (Gate)
        {
            if (_inflight is null || !_inflight.TryGetValue(packetId, out var entry) || entry.QoS != QualityOfService.ExactlyOnce)
            {
                return false;
            }

            if (reasonCode.IsError())
            {
                // 5.0 §4.3.3: a PUBREC with an error ends the flow for that message.
                RemoveInflight(packetId, out _);
                RecordCompleted(entry.Sequence);
                PumpPending();
                return true;
            }

            _inflight[packetId] = entry with { Released = true };
            if (IsStored)
            {
                _broker.SubmitChange(new DeliveryReleased(ClientId, entry.Sequence));
            }

            Connection?.EnqueueAck(PacketType.PubRel, packetId, ReasonCode.Success);
            return true;
        }
    }

    /// <summary>Gives up on an in-flight message that will not be sent (expired, or too large for the client).</summary>
    public void Discard(ushort packetId)
    {
        if (packetId == 0)
        {
            return;
        }

        lock (Gate)
        {
            if (RemoveInflight(packetId, out var entry))
            {
                RecordCompleted(entry.Sequence);
                PumpPending();
            }
        }
    }

    /// <summary>
    /// After a reconnect with a kept session: resend unacknowledged PUBLISH with DUP set and PUBREL for released
    /// QoS 2 messages, in their original order [MQTT-4.4.0-1], then send what queued while offline.
    /// </summary>
    public void Resume()
    {
        lock (Gate)
        {
            var connection = Connection;
            if (connection is null)
            {
                return;
            }

            if (_inflight is { Count: > 0 })
            {
                var ordered = new List<KeyValuePair<ushort, InflightMessage>>(_inflight);
                ordered.Sort(static (a, b) => a.Value.Sequence.CompareTo(b.Value.Sequence));
                foreach (var (packetId, entry) in ordered)
                {
                    if (entry.Released)
                    {
                        connection.EnqueueAck(PacketType.PubRel, packetId, ReasonCode.Success);
                    }
                    else
                    {
                        connection.EnqueuePublish(entry.Message, packetId, entry.QoS, entry.Retain, dup: true, entry.SubscriptionIdentifiers);
                    }
                }
            }

            PumpPending();
        }
    }

    private void SendNow(MqttConnection connection, ApplicationMessage message, QualityOfService qos, bool retain, uint[]? subscriptionIdentifiers, long sequence, bool fromQueue)
    {
        var packetId = NextPacketId();
        message.AddRef();
        (_inflight ??= [])[packetId] = new InflightMessage(message, qos, retain, subscriptionIdentifiers, Released: false, sequence);
        _inflightBytes += message.Payload.Length;
        if (IsStored)
        {
            _broker.SubmitChange(fromQueue
                ? new DeliverySent(ClientId, sequence, packetId)
                : new DeliveryQueued(ClientId, ToStored(message, qos, retain, subscriptionIdentifiers, sequence, packetId, DeliveryState.Sent)));
        }

        connection.EnqueuePublish(message, packetId, qos, retain, dup: false, subscriptionIdentifiers);
    }

    private void PumpPending()
    {
        var connection = Connection;
        if (connection is null)
        {
            return;
        }

        var now = _broker.Time.GetUtcNow();
        do
        {
            SendFromWindow(connection, now);
        }
        while (RefillWindow());
    }

    /// <summary>Sends from the window while the in-flight window has room.</summary>
    private void SendFromWindow(MqttConnection connection, DateTimeOffset now)
    {
        while (_pending is { Count: > 0 })
        {
            var next = _pending.Peek();
            if (next.QoS != QualityOfService.AtMostOnce && !HasInflightRoom)
            {
                return;
            }

            _pending.Dequeue();
            _pendingBytes -= next.Message.Payload.Length;
            if (next.Message.IsExpired(now))
            {
                RecordCompleted(next.Sequence);
            }
            else if (next.QoS == QualityOfService.AtMostOnce)
            {
                RecordCompleted(next.Sequence);
                connection.EnqueuePublish(next.Message, 0, next.QoS, next.Retain, dup: false, next.SubscriptionIdentifiers);
            }
            else
            {
                SendNow(connection, next.Message, next.QoS, next.Retain, next.SubscriptionIdentifiers, next.Sequence, fromQueue: true);
            }

            // The queue's reference; the outbound item and the in-flight entry took their own.
            next.Message.Release();
        }
    }

    /// <summary>Whether another QoS 1/2 message may go out: max_inflight_messages (and receive maximum) and max_inflight_bytes.</summary>
    private bool HasInflightRoom =>
        (_inflight?.Count ?? 0) < InflightLimit
        && (_broker.Options.MaxInflightBytes <= 0 || _inflightBytes < _broker.Options.MaxInflightBytes);

    private bool RemoveInflight(ushort packetId, out InflightMessage removed)
    {
        if (_inflight is null || !_inflight.Remove(packetId, out removed))
        {
            removed = default;
            return false;
        }

        _inflightBytes -= removed.Message.Payload.Length;
        removed.Message.Release();
        return true;
    }

    private void Enqueue(in QueuedDelivery delivery)
    {
        var options = _broker.Options;
        // The limits count the whole queue, the part paged out to the store included.
        var overCount = options.MaxQueuedMessages > 0 && QueueLength >= options.MaxQueuedMessages;
        var overBytes = options.MaxQueuedBytes > 0 && QueueBytes + delivery.Message.Payload.Length > options.MaxQueuedBytes;
        if (overCount || overBytes)
        {
            _broker.Statistics.CountDropped();
            return;
        }

        delivery.Message.AddRef();
        if (IsStored)
        {
            // Submitted before Place, which may ask for a commit notice that must cover this delivery.
            _broker.SubmitChange(new DeliveryQueued(ClientId, ToStored(delivery.Message, delivery.QoS, delivery.Retain, delivery.SubscriptionIdentifiers, delivery.Sequence, 0, DeliveryState.Queued)));
        }

        Place(delivery);
    }

    /// <summary>Empties the pending queue and the in-flight window, releasing their references. Caller holds <see cref="Gate"/>.</summary>
    private void DropDeliveries()
    {
        while (_pending is not null && _pending.TryDequeue(out var queued))
        {
            queued.Message.Release();
        }

        if (_inflight is not null)
        {
            foreach (var inflight in _inflight.Values)
            {
                inflight.Message.Release();
            }

            _inflight.Clear();
        }

        DropBeyondWindow();
        _pendingBytes = 0;
        _inflightBytes = 0;
    }

    /// <summary>Restore: deliveries read from the store, in sequence order, and incoming QoS 2 ids awaiting PUBREL.</summary>
    public void RestoreDeliveries(IReadOnlyList<StoredDelivery> deliveries, IReadOnlyList<ushort> incomingQoS2, RestoredMessageCache cache)
    {
        lock (Gate)
        {
            foreach (var stored in deliveries)
            {
                RestoreDelivery(stored, cache);
            }

            foreach (var packetId in incomingQoS2)
            {
                IncomingQoS2.Add(packetId);
            }
        }
    }

    /// <summary>Restore: one delivery read from the store; called in sequence order.</summary>
    public void RestoreDelivery(StoredDelivery stored, RestoredMessageCache cache)
    {
        lock (Gate)
        {
            _broker.ObserveDeliverySequence(stored.Sequence);
            if (stored.State == DeliveryState.Queued)
            {
                RestoreQueued(stored, cache);
            }
            else
            {
                var message = StoredMessageCodec.FromStored(stored.Message, cache);
                uint[]? identifiers = stored.SubscriptionIdentifiers is { Count: > 0 } ids ? [.. ids] : null;
                (_inflight ??= [])[stored.PacketId] = new InflightMessage(message, stored.QoS, stored.Retain, identifiers, stored.State == DeliveryState.Released, stored.Sequence);
                _inflightBytes += message.Payload.Length;
            }
        }
    }

    /// <summary>The sequence numbers of everything queued (paged out included) or in flight, for removing them from the store. Caller holds <see cref="Gate"/>.</summary>
    public long[] DeliverySequences()
    {
        var sequences = new List<long>(QueueLength + (_inflight?.Count ?? 0));
        AddInMemorySequences(sequences);
        AddPagedSequences(sequences);
        return [.. sequences];
    }

    /// <summary>The sequence numbers of the paged-out part only. Caller holds <see cref="Gate"/>.</summary>
    public long[] PagedSequences()
    {
        var sequences = new List<long>(_paged?.Count ?? 0);
        AddPagedSequences(sequences);
        return [.. sequences];
    }

    private void AddPagedSequences(List<long> sequences)
    {
        if (_paged is { } paged)
        {
            for (var i = 0; i < paged.Count; i++)
            {
                sequences.Add(paged.SequenceAt(i));
            }
        }
    }

    private void RecordCompleted(long sequence)
    {
        if (IsStored)
        {
            _broker.SubmitChange(new DeliveryCompleted(ClientId, sequence));
        }
    }

    private static StoredDelivery ToStored(ApplicationMessage message, QualityOfService qos, bool retain, uint[]? subscriptionIdentifiers, long sequence, ushort packetId, DeliveryState state) =>
        new(sequence, StoredMessageCodec.ToStored(message), qos, retain, subscriptionIdentifiers, packetId, state);

    /// <summary>The next packet identifier not in use by an in-flight message; never 0 [MQTT-2.2.1-3].</summary>
    private ushort NextPacketId()
    {
        for (var attempt = 0; attempt < ushort.MaxValue; attempt++)
        {
            _lastPacketId = _lastPacketId == ushort.MaxValue ? (ushort)1 : (ushort)(_lastPacketId + 1);
            if (_inflight is null || !_inflight.ContainsKey(_lastPacketId))
            {
                return _lastPacketId;
            }
        }

        throw new InvalidOperationException("All 65535 packet identifiers are in flight; the in-flight limit should prevent this.");
    }

    private readonly record struct InflightMessage(
        ApplicationMessage Message, QualityOfService QoS, bool Retain, uint[]? SubscriptionIdentifiers, bool Released, long Sequence);

    /// <param name="Stored">Behind the window only: whether its <see cref="DeliveryQueued"/> was submitted, so it may be paged out once committed.</param>
    private readonly record struct QueuedDelivery(ApplicationMessage Message, QualityOfService QoS, bool Retain, uint[]? SubscriptionIdentifiers, long Sequence, bool Stored = false);
}
