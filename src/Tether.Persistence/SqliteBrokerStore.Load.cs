using Microsoft.Data.Sqlite;
using Tether.Broker.Persistence;
using Tether.Protocol;

namespace Tether.Persistence;

/// <summary>
/// Reading the store at start-up: retained messages and sessions at once (they are few), deliveries streamed one
/// row at a time (they can be millions) on a connection of their own, so that the writer can run meanwhile.
/// </summary>
public sealed partial class SqliteBrokerStore
{
    /// <inheritdoc />
    /// <remarks>Call before the first <see cref="Submit"/>: it reads on the writer's connection.</remarks>
    public Task<StoredState> LoadAsync(CancellationToken cancellationToken)
    {
        try
        {
            return Task.FromResult(Load(cancellationToken));
        }
        catch (SqliteException e)
        {
            throw new BrokerStoreException(
                $"The store '{Path}' cannot be read ({e.Message}). Tether does not overwrite it: restore it from a backup, or move it away to start with an empty store.",
                e);
        }
    }

    // How many distinct strings or property blobs the delivery read keeps for sharing (a few hundred KB at most).
    private const int MaxSharedValues = 4096;

    private StoredState Load(CancellationToken cancellationToken)
    {
        var retained = new List<StoredMessage>();
        using (var command = _connection.CreateCommand())
        {
            command.CommandText = "SELECT topic, payload, qos, properties, expires_at, publisher FROM retained";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                retained.Add(new StoredMessage(reader.GetString(0), (byte[])reader[1], (QualityOfService)reader.GetInt64(2), true, (byte[])reader[3], ReadTime(reader, 4), ReadString(reader, 5)));
            }
        }

        var sessions = new Dictionary<string, (StoredSession Session, List<StoredSubscription> Subscriptions, List<ushort> Incoming)>(StringComparer.Ordinal);
        using (var command = _connection.CreateCommand())
        {
            command.CommandText = "SELECT client_id, protocol, expiry_interval, disconnected_at, user_name, will_topic, will_payload, will_qos, will_retain, will_properties, will_delay, will_expiry FROM sessions";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                StoredWill? will = null;
                if (!reader.IsDBNull(5))
                {
                    var willMessage = new StoredMessage(reader.GetString(5), (byte[])reader[6], (QualityOfService)reader.GetInt64(7), reader.GetInt64(8) != 0, (byte[])reader[9], null, reader.GetString(0));
                    will = new StoredWill(willMessage, (uint)reader.GetInt64(10), reader.IsDBNull(11) ? null : (uint)reader.GetInt64(11));
                }

                var subscriptions = new List<StoredSubscription>();
                var session = new StoredSession(reader.GetString(0), (ProtocolVersion)reader.GetInt64(1), (uint)reader.GetInt64(2), ReadTime(reader, 3), ReadString(reader, 4), subscriptions, will);
                sessions[session.ClientId] = (session, subscriptions, []);
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        using (var command = _connection.CreateCommand())
        {
            command.CommandText = "SELECT client_id, filter, qos, no_local, retain_as_published, retain_handling, subscription_identifier FROM subscriptions";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                if (sessions.TryGetValue(reader.GetString(0), out var owner))
                {
                    owner.Subscriptions.Add(new StoredSubscription(reader.GetString(1), (QualityOfService)reader.GetInt64(2), reader.GetInt64(3) != 0, reader.GetInt64(4) != 0, (RetainHandling)reader.GetInt64(5), (uint)reader.GetInt64(6)));
                }
            }
        }

        using (var command = _connection.CreateCommand())
        {
            // Deliveries are keyed by a broker-wide sequence; drop any whose session is gone (none are expected).
            command.CommandText = "DELETE FROM deliveries WHERE client_id NOT IN (SELECT client_id FROM sessions)";
            command.ExecuteNonQuery();
        }

        using (var command = _connection.CreateCommand())
        {
            command.CommandText = "SELECT client_id, packet_id FROM incoming_qos2";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                if (sessions.TryGetValue(reader.GetString(0), out var owner))
                {
                    owner.Incoming.Add((ushort)reader.GetInt64(1));
                }
            }
        }

        var states = new List<StoredSessionState>(sessions.Count);
        foreach (var (session, _, incoming) in sessions.Values)
        {
            states.Add(new StoredSessionState(session, [], incoming));
        }

        return new StoredState(retained, states);
    }

    /// <inheritdoc />
    /// <remarks>Reads a snapshot taken when the enumeration starts; changes submitted meanwhile are not seen.</remarks>
    public IEnumerable<StoredSessionDelivery> ReadDeliveries(CancellationToken cancellationToken)
    {
        var connectionString = new SqliteConnectionStringBuilder { DataSource = Path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT client_id, sequence, topic, payload, message_qos, message_retain, properties, expires_at, publisher, qos, retain, subscription_identifiers, packet_id, state FROM deliveries ORDER BY sequence";
        using var reader = command.ExecuteReader();

        // Queues repeat a few client ids, topics, publishers and property sets many times: keep one of each.
        var strings = new Dictionary<string, string>(StringComparer.Ordinal);
        var blobs = new Dictionary<byte[], byte[]>(ByteContentComparer.Instance);
        while (reader.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var properties = (byte[])reader[6];
            var message = new StoredMessage(Share(strings, reader.GetString(2)), (byte[])reader[3], (QualityOfService)reader.GetInt64(4), reader.GetInt64(5) != 0,
                properties.Length == 0 ? ReadOnlyMemory<byte>.Empty : Share(blobs, properties), ReadTime(reader, 7), reader.IsDBNull(8) ? null : Share(strings, reader.GetString(8)));
            var delivery = new StoredDelivery(reader.GetInt64(1), message, (QualityOfService)reader.GetInt64(9), reader.GetInt64(10) != 0,
                DecodeIdentifiers(reader.IsDBNull(11) ? null : (byte[])reader[11]), (ushort)reader.GetInt64(12), (DeliveryState)reader.GetInt64(13));
            yield return new StoredSessionDelivery(Share(strings, reader.GetString(0)), delivery);
        }
    }

    private static T Share<T>(Dictionary<T, T> shared, T value)
        where T : notnull
    {
        if (shared.TryGetValue(value, out var existing))
        {
            return existing;
        }

        // Bounded: a store with ever-different values must not grow this without limit while it is read.
        if (shared.Count >= MaxSharedValues)
        {
            shared.Clear();
        }

        shared[value] = value;
        return value;
    }

    private static DateTimeOffset? ReadTime(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(ordinal));

    private static string? ReadString(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
