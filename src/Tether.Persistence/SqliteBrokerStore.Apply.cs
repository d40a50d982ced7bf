using System.Buffers.Binary;
using Microsoft.Data.Sqlite;
using Tether.Broker.Persistence;

namespace Tether.Persistence;

/// <summary>Applying a batch of changes in one transaction, with one prepared command per statement.</summary>
public sealed partial class SqliteBrokerStore
{
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

    private void Commit(List<PendingItem> batch)
    {
        using var transaction = _connection.BeginTransaction();
        foreach (var item in batch)
        {
            if (item.Change is { } change)
            {
                Apply(change, transaction);
            }
        }

        transaction.Commit();
    }

    private void Apply(StoreChange change, SqliteTransaction transaction)
    {
        switch (change)
        {
            case RetainedMessageSet set:
                var message = set.Message;
                Run(transaction, "INSERT OR REPLACE INTO retained (topic, payload, qos, properties, expires_at, publisher) VALUES ($1, $2, $3, $4, $5, $6)",
                    message.Topic, message.Payload.ToArray(), (long)message.QoS, message.Properties.ToArray(), ToUnixMilliseconds(message.ExpiresAt), message.PublisherClientId);
                break;
            case RetainedMessageCleared cleared:
                Run(transaction, "DELETE FROM retained WHERE topic = $1", cleared.Topic);
                break;
            case SessionSaved saved:
                SaveSession(saved.Session, transaction);
                break;
            case SessionRemoved removed:
                Run(transaction, "DELETE FROM sessions WHERE client_id = $1", removed.ClientId);
                Run(transaction, "DELETE FROM subscriptions WHERE client_id = $1", removed.ClientId);
                foreach (var sequence in removed.DeliverySequences)
                {
                    Run(transaction, "DELETE FROM deliveries WHERE sequence = $1", sequence);
                }

                Run(transaction, "DELETE FROM incoming_qos2 WHERE client_id = $1", removed.ClientId);
                break;
            case DeliveryQueued queued:
                var delivery = queued.Delivery;
                var m = delivery.Message;
                Run(transaction, "INSERT OR REPLACE INTO deliveries (client_id, sequence, topic, payload, message_qos, message_retain, properties, expires_at, publisher, qos, retain, subscription_identifiers, packet_id, state) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
                    queued.ClientId, delivery.Sequence, m.Topic, m.Payload.ToArray(), (long)m.QoS, m.Retain ? 1L : 0L, m.Properties.ToArray(), ToUnixMilliseconds(m.ExpiresAt), m.PublisherClientId,
                    (long)delivery.QoS, delivery.Retain ? 1L : 0L, EncodeIdentifiers(delivery.SubscriptionIdentifiers), (long)delivery.PacketId, (long)delivery.State);
                break;
            case DeliverySent sent:
                Run(transaction, "UPDATE deliveries SET packet_id = $2, state = 1 WHERE sequence = $1", sent.Sequence, (long)sent.PacketId);
                break;
            case DeliveryReleased released:
                Run(transaction, "UPDATE deliveries SET state = 2 WHERE sequence = $1", released.Sequence);
                break;
            case DeliveryCompleted completed:
                Run(transaction, "DELETE FROM deliveries WHERE sequence = $1", completed.Sequence);
                break;
            case IncomingQoS2Added added:
                Run(transaction, "INSERT OR IGNORE INTO incoming_qos2 (client_id, packet_id) VALUES ($1, $2)", added.ClientId, (long)added.PacketId);
                break;
            case IncomingQoS2Released freed:
                Run(transaction, "DELETE FROM incoming_qos2 WHERE client_id = $1 AND packet_id = $2", freed.ClientId, (long)freed.PacketId);
                break;
            default:
                throw new InvalidOperationException("Unknown store change " + change.GetType().Name);
        }
    }

    private void SaveSession(StoredSession session, SqliteTransaction transaction)
    {
        var will = session.Will;
        Run(transaction, "INSERT OR REPLACE INTO sessions (client_id, protocol, expiry_interval, disconnected_at, user_name, will_topic, will_payload, will_qos, will_retain, will_properties, will_delay, will_expiry) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            session.ClientId, (long)session.ProtocolVersion, (long)session.ExpiryIntervalSeconds, ToUnixMilliseconds(session.DisconnectedAt), session.UserName,
            will?.Message.Topic, will?.Message.Payload.ToArray(), will is null ? null : (long)will.Message.QoS, will is null ? null : (will.Message.Retain ? 1L : 0L),
            will?.Message.Properties.ToArray(), will is null ? null : (long)will.DelaySeconds, will?.ExpirySeconds is { } expiry ? (long)expiry : null);
        Run(transaction, "DELETE FROM subscriptions WHERE client_id = $1", session.ClientId);
        foreach (var subscription in session.Subscriptions)
        {
            Run(transaction, "INSERT INTO subscriptions (client_id, filter, qos, no_local, retain_as_published, retain_handling, subscription_identifier) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                session.ClientId, subscription.Filter, (long)subscription.MaximumQoS, subscription.NoLocal ? 1L : 0L, subscription.RetainAsPublished ? 1L : 0L,
                (long)subscription.RetainHandling, (long)subscription.SubscriptionIdentifier);
        }
    }

    private void Run(SqliteTransaction transaction, string sql, params object?[] values)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = _connection.CreateCommand();
            command.CommandText = sql;
            for (var i = 0; i < values.Length; i++)
            {
                command.Parameters.Add(new SqliteParameter("$" + (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), null));
            }

            _commands[sql] = command;
        }

        command.Transaction = transaction;
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }

        command.ExecuteNonQuery();
    }

    private static long? ToUnixMilliseconds(DateTimeOffset? time) => time?.ToUnixTimeMilliseconds();

    private static byte[]? EncodeIdentifiers(IReadOnlyList<uint>? identifiers)
    {
        if (identifiers is not { Count: > 0 })
        {
            return null;
        }

        var bytes = new byte[identifiers.Count * 4];
        for (var i = 0; i < identifiers.Count; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i * 4), identifiers[i]);
        }

        return bytes;
    }

    private static uint[]? DecodeIdentifiers(byte[]? bytes)
    {
        if (bytes is not { Length: >= 4 })
        {
            return null;
        }

        var identifiers = new uint[bytes.Length / 4];
        for (var i = 0; i < identifiers.Length; i++)
        {
            identifiers[i] = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(i * 4));
        }

        return identifiers;
    }
}
