using Tether.Broker.Persistence;

namespace Tether.Broker;

/// <summary>
/// Persistence: what the broker hands to its <see cref="IBrokerStore"/>, and the restore at start-up. Only retained
/// messages and sessions that outlive their connection reach the store; QoS 0 traffic and sessions that end with
/// their connection never do.
/// </summary>
public sealed partial class MqttBroker
{
    // Set when the current thread submitted a change; the publish path reads it to decide whether the PUBACK or
    // PUBREC has to wait for a commit. A thread-static flag keeps the router and sessions unaware of acknowledgements.
    [ThreadStatic]
    private static bool t_submittedChange;

    // Numbers every delivery broker-wide, so that the store can key deliveries by one ever-growing number and
    // append them instead of scattering each batch across every session's part of an index.
    private long _deliverySequence;

    /// <summary>Where durable state goes; <see cref="InMemoryBrokerStore"/> for <c>persistence false</c>.</summary>
    public IBrokerStore Store { get; }

    internal bool IsDurable { get; }

    /// <summary>Whether stored sessions keep only the head of their queue in memory and read the rest back from the store.</summary>
    internal bool PagesQueues { get; }

    internal long NextDeliverySequence() => Interlocked.Increment(ref _deliverySequence);

    /// <summary>Restore: later sequence numbers must be above every stored one.</summary>
    internal void ObserveDeliverySequence(long sequence)
    {
        if (sequence > _deliverySequence)
        {
            _deliverySequence = sequence;
        }
    }

    internal void SubmitChange(StoreChange change)
    {
        Store.Submit(change);
        t_submittedChange = true;
    }

    /// <summary>Whether this thread submitted a change since the last call; clears the flag.</summary>
    internal static bool TakeSubmittedChange()
    {
        var submitted = t_submittedChange;
        t_submittedChange = false;
        return submitted;
    }

    /// <summary>
    /// Loads retained messages and sessions from <see cref="Store"/>, before the broker takes connections. Sessions
    /// whose expiry passed while the broker was down are removed; a session that was connected when the broker
    /// stopped counts as disconnected now, and its will (if any) follows its delay from now. In-flight messages are
    /// resent with DUP set when their session reconnects.
    /// </summary>
    /// <param name="cancellationToken">Abandons the restore.</param>
    /// <returns>How many retained messages and sessions were restored.</returns>
    public async Task<(int Retained, int Sessions)> RestoreAsync(CancellationToken cancellationToken)
    {
        if (!IsDurable)
        {
            return (0, 0);
        }

        var state = await Store.LoadAsync(cancellationToken).ConfigureAwait(false);
        var now = Time.GetUtcNow();
        var cache = new RestoredMessageCache();
        var retained = 0;
        foreach (var stored in state.Retained)
        {
            var message = StoredMessageCodec.FromStored(stored, cache);
            if (message.IsExpired(now))
            {
                SubmitChange(new RetainedMessageCleared(stored.Topic));
                continue;
            }

            _retained.Set(message);
            retained++;
        }

        var restored = new Dictionary<string, Session>(state.Sessions.Count, StringComparer.Ordinal);
        foreach (var stored in state.Sessions)
        {
            var info = stored.Session;
            var session = new Session(this, info.ClientId)
            {
                ProtocolVersion = info.ProtocolVersion,
                ExpiryIntervalSeconds = info.ExpiryIntervalSeconds,
                UserName = info.UserName,
            };
            var disconnectedAt = info.DisconnectedAt ?? now;
            session.RestoreOffline(disconnectedAt);
            if (session.HasExpired(now))
            {
                SubmitChange(new SessionRemoved(info.ClientId, [.. stored.Deliveries.Select(static d => d.Sequence)]));
                BrokerLog.SessionExpired(Logger, info.ClientId);
                if (info.Will is { } expiredWill)
                {
                    PublishWill(StoredMessageCodec.FromStored(expiredWill), now);
                }

                continue;
            }

            foreach (var subscription in info.Subscriptions)
            {
                var options = StoredMessageCodec.FromStored(subscription);
                session.Subscriptions[subscription.Filter] = options;
                _router.Subscriptions.Subscribe(subscription.Filter, session, options);
            }

            // Stored first: a stored session's queue beyond its memory window stays in the store.
            session.IsStored = true;
            session.RestoreDeliveries(stored.Deliveries, stored.IncomingQoS2, cache);
            _sessions[info.ClientId] = session;
            if (session.ExpiryIntervalSeconds != uint.MaxValue)
            {
                _offlineSessions.TryAdd(session, 0);
            }

            if (info.Will is { } storedWill)
            {
                var will = StoredMessageCodec.FromStored(storedWill);
                _delayedWills[info.ClientId] = new DelayedWill(will, disconnectedAt.AddSeconds(will.DelaySeconds), session);
            }

            restored[info.ClientId] = session;
        }

        // Deliveries come one row at a time, so that a large backlog is never held both as store records and as
        // queues. A row of a session that expired while the broker was down is removed here.
        foreach (var (clientId, delivery) in Store.ReadDeliveries(cancellationToken))
        {
            ObserveDeliverySequence(delivery.Sequence);
            if (restored.TryGetValue(clientId, out var session))
            {
                session.RestoreDelivery(delivery, cache);
            }
            else
            {
                SubmitChange(new DeliveryCompleted(clientId, delivery.Sequence));
            }
        }

        return (retained, restored.Count);
    }

    /// <summary>Writes a session's row (subscriptions, will, expiry) if it outlives its connection; removes it if it no longer does.</summary>
    internal void SaveSession(Session session, PendingWill? will)
    {
        if (!IsDurable)
        {
            return;
        }

        StoredSession snapshot;
        lock (session.Gate)
        {
            if (session.IsEnded)
            {
                return;
            }

            if (session.ExpiresWhenDisconnected)
            {
                if (session.IsStored)
                {
                    // The paged-out rows stay until they are read back, or the session ends (ForgetSession).
                    session.IsStored = false;
                    SubmitChange(new SessionRemoved(session.ClientId, session.SequencesToRemoveWhenNoLongerStored()));
                }

                return;
            }

            var subscriptions = new List<StoredSubscription>(session.Subscriptions.Count);
            foreach (var (filter, options) in session.Subscriptions)
            {
                subscriptions.Add(StoredMessageCodec.ToStored(filter, options));
            }

            snapshot = new StoredSession(
                session.ClientId,
                session.ProtocolVersion,
                session.ExpiryIntervalSeconds,
                session.DisconnectedAt,
                session.UserName,
                subscriptions,
                StoredMessageCodec.ToStored(will));
            session.IsStored = true;

            // Submitted under the gate so that the row reaches the store before any delivery recorded for it.
            SubmitChange(new SessionSaved(snapshot));
        }
    }

    /// <summary>Records that a session ended for good.</summary>
    internal void ForgetSession(Session session)
    {
        if (!IsDurable)
        {
            return;
        }

        lock (session.Gate)
        {
            // Under the gate: no delivery can be recorded for the session after its removal.
            if (session.IsStored)
            {
                session.IsStored = false;
                SubmitChange(new SessionRemoved(session.ClientId, session.DeliverySequences()));
            }
            else
            {
                // Rows left paged out when the session stopped being stored.
                foreach (var sequence in session.PagedSequences())
                {
                    SubmitChange(new DeliveryCompleted(session.ClientId, sequence));
                }
            }
        }
    }

    private void StoreRetained(ApplicationMessage message)
    {
        // $SYS retained messages are rebuilt every sys_interval; writing them would only wear the disk.
        if (!IsDurable || message.Topic.StartsWith('$'))
        {
            return;
        }

        SubmitChange(message.Payload.IsEmpty
            ? new RetainedMessageCleared(message.Topic)
            : new RetainedMessageSet(StoredMessageCodec.ToStored(message, retain: true)));
    }
}
