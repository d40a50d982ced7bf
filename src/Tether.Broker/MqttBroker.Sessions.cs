using System.Collections.Concurrent;
using Tether.Protocol;

namespace Tether.Broker;

/// <summary>Sessions: attach on CONNECT (with takeover), detach when a connection ends, wills and expiry.</summary>
public sealed partial class MqttBroker
{
    private readonly ConcurrentDictionary<string, DelayedWill> _delayedWills = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Session, byte> _offlineSessions = new();

    /// <summary>Checks topics against ACLs; null allows everything.</summary>
    public ITopicAuthorizer? Authorizer { get; set; }

    /// <summary>The session of <paramref name="clientId"/>, if there is one (for tests and diagnostics).</summary>
    internal Session? FindSession(string clientId) => _sessions.TryGetValue(clientId, out var session) ? session : null;

    internal void AttachSession(MqttConnection connection, ConnectPacket connect, uint expiryIntervalSeconds, ConnAckPacket connAck)
    {
        var clientId = connection.ClientId!;
        var now = Time.GetUtcNow();
        MqttConnection? previous = null;
        PendingWill? endedSessionWill = null;
        Session session;
        bool present;
        lock (_sessionTableLock)
        {
            _sessions.TryGetValue(clientId, out var existing);

            // A new connection for the client id cancels a will still waiting out its delay [MQTT-3.1.3-9]...
            if (_delayedWills.TryRemove(clientId, out var delayed) && connect.CleanSession)
            {
                // ...unless the session it belonged to ends now, which publishes it at once.
                endedSessionWill = delayed.Will;
            }

            if (existing is not null)
            {
                lock (existing.Gate)
                {
                    previous = existing.Connection;
                }

                // A session with expiry 0 (3.1.1 clean session, or 5.0 expiry 0) ends with its connection, and a
                // takeover ends that connection: nothing carries over, as in Mosquitto (session present only when
                // the old session's expiry interval was above 0).
                if (connect.CleanSession || existing.HasExpired(now) || existing.ExpiresWhenDisconnected)
                {
                    EndSession(existing);
                    existing = null;
                }
            }

            present = existing is not null;
            session = existing ?? new Session(this, clientId);
            session.ProtocolVersion = connect.ProtocolVersion;
            session.ExpiryIntervalSeconds = expiryIntervalSeconds;
            _sessions[clientId] = session;
            _offlineSessions.TryRemove(session, out _);
            lock (session.Gate)
            {
                connAck.SessionPresent = present;
                connection.CompleteConnect(session, connAck);
                session.Attach(connection);
            }
        }

        Statistics.CountClientConnected();
        if (previous is not null)
        {
            // The old connection's disconnect line says so: one line per ending.
            previous.RequestClose(DisconnectReason.SessionTakenOver, ReasonCode.SessionTakenOver, "by a new connection from " + connection.Info.RemoteAddress);
        }

        if (endedSessionWill is not null)
        {
            PublishWill(endedSessionWill, now);
        }

        // Stored before Resume, so the session's row is in the store ahead of any delivery recorded for it.
        SaveSession(session, connection.Will);
        if (present)
        {
            session.Resume();
        }
    }

    internal void OnConnectionEnded(MqttConnection connection)
    {
        _connections.TryRemove(connection, out _);
        var reason = connection.CloseReason;
        Statistics.CountDisconnect(reason);
        if (Options.ConnectionMessages)
        {
            BrokerLog.ClientDisconnected(Logger, connection.DisplayName, connection.Info.RemoteAddress, InitiatorText(DisconnectReasons.Initiator(reason)), DisconnectReasons.Describe(reason), connection.CloseDetail.Length > 0 ? " (" + connection.CloseDetail + ")" : string.Empty);
        }
        if (connection.Session is { } session)
        {
            Statistics.CountClientDisconnected();
            EndConnectionOfSession(connection, session, reason);
        }

        if (_connections.IsEmpty)
        {
            _allConnectionsEnded?.TrySetResult();
        }
    }

    private void EndConnectionOfSession(MqttConnection connection, Session session, DisconnectReason reason)
    {
        var now = Time.GetUtcNow();
        var will = reason is DisconnectReason.ClientDisconnect ? null : connection.Will;
        if (!session.Detach(connection, now))
        {
            // Taken over, or the session already ended: the will goes now if it has no delay or its session is
            // gone; a delayed will is cancelled by the connection that took over [MQTT-3.1.2-8].
            if (will is not null && (will.DelaySeconds == 0 || session.IsEnded))
            {
                PublishWill(will, now);
            }

            return;
        }

        if (session.ExpiresWhenDisconnected)
        {
            lock (_sessionTableLock)
            {
                if (_sessions.TryGetValue(session.ClientId, out var current) && ReferenceEquals(current, session))
                {
                    _sessions.TryRemove(session.ClientId, out _);
                }

                EndSession(session);
            }

            // The session ended with the connection, so a will delay cannot be waited out.
            if (will is not null)
            {
                PublishWill(will, now);
            }

            return;
        }

        if (session.ExpiryIntervalSeconds != uint.MaxValue)
        {
            _offlineSessions.TryAdd(session, 0);
        }

        // The stored will is the one still to come: a will without delay is published right below.
        SaveSession(session, will is { DelaySeconds: > 0 } ? will : null);
        if (will is null)
        {
            return;
        }

        if (will.DelaySeconds == 0)
        {
            PublishWill(will, now);
        }
        else
        {
            _delayedWills[session.ClientId] = new DelayedWill(will, now.AddSeconds(will.DelaySeconds), session);
        }
    }

    /// <summary>Removes a session's subscriptions from the tree and drops its state. Caller holds the session table lock.</summary>
    private void EndSession(Session session)
    {
        List<string> filters;
        lock (session.Gate)
        {
            if (!session.HasSubscriptions)
            {
                filters = [];
            }
            else
            {
                filters = [.. session.Subscriptions.Keys];
                session.Subscriptions.Clear();
            }
        }

        foreach (var filter in filters)
        {
            _router.Subscriptions.Unsubscribe(filter, session);
        }

        ForgetSession(session);
        session.End();
        _offlineSessions.TryRemove(session, out _);
    }

    private void PublishWill(PendingWill will, DateTimeOffset now) => Publish(will.ToMessage(now));

    /// <summary>Heartbeat part: publish wills whose delay passed and end sessions whose expiry passed.</summary>
    private void ExpireWillsAndSessions(DateTimeOffset now)
    {
        foreach (var (clientId, delayed) in _delayedWills)
        {
            if (now >= delayed.DueAt || delayed.Session.IsEnded || delayed.Session.HasExpired(now))
            {
                if (_delayedWills.TryRemove(new KeyValuePair<string, DelayedWill>(clientId, delayed)))
                {
                    PublishWill(delayed.Will, now);
                    if (delayed.Session.Connection is null)
                    {
                        // Published: a restart must not publish it again.
                        SaveSession(delayed.Session, null);
                    }
                }
            }
        }

        foreach (var session in _offlineSessions.Keys)
        {
            if (!session.HasExpired(now))
            {
                continue;
            }

            lock (_sessionTableLock)
            {
                if (session.Connection is not null || !session.HasExpired(now))
                {
                    continue;
                }

                if (_sessions.TryGetValue(session.ClientId, out var current) && ReferenceEquals(current, session))
                {
                    _sessions.TryRemove(session.ClientId, out _);
                }

                EndSession(session);
            }

            BrokerLog.SessionExpired(Logger, session.ClientId);
            if (_delayedWills.TryRemove(session.ClientId, out var pending))
            {
                PublishWill(pending.Will, now);
            }
        }
    }

    private static string InitiatorText(DisconnectInitiator initiator) => initiator switch
    {
        DisconnectInitiator.Client => "client",
        DisconnectInitiator.Broker => "broker",
        _ => "network",
    };

    private sealed record DelayedWill(PendingWill Will, DateTimeOffset DueAt, Session Session);
}
