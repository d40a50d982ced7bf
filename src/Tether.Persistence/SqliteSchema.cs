using Microsoft.Data.Sqlite;

namespace Tether.Persistence;

/// <summary>
/// The store's schema and its versions. A Tether store is marked with <see cref="ApplicationId"/> (SQLite's
/// <c>PRAGMA application_id</c>) and carries its schema version in <c>PRAGMA user_version</c>; an older version
/// is migrated step by step in one transaction, a newer one or a foreign file is refused.
/// </summary>
internal static class SqliteSchema
{
    /// <summary>"TETH" in ASCII: tells a Tether store from any other SQLite file.</summary>
    public const int ApplicationId = 0x54455448;

    /// <summary>The version this build writes.</summary>
    public static int CurrentVersion => Migrations.Length;

    // Migrations[i] takes a store from version i to version i + 1. Append only; never edit a released step.
    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE retained (
            topic TEXT PRIMARY KEY NOT NULL,
            payload BLOB NOT NULL,
            qos INTEGER NOT NULL,
            properties BLOB NOT NULL,
            expires_at INTEGER,
            publisher TEXT
        ) WITHOUT ROWID;
        CREATE TABLE sessions (
            client_id TEXT PRIMARY KEY NOT NULL,
            protocol INTEGER NOT NULL,
            expiry_interval INTEGER NOT NULL,
            disconnected_at INTEGER,
            user_name TEXT,
            will_topic TEXT,
            will_payload BLOB,
            will_qos INTEGER,
            will_retain INTEGER,
            will_properties BLOB,
            will_delay INTEGER,
            will_expiry INTEGER
        ) WITHOUT ROWID;
        CREATE TABLE subscriptions (
            client_id TEXT NOT NULL,
            filter TEXT NOT NULL,
            qos INTEGER NOT NULL,
            no_local INTEGER NOT NULL,
            retain_as_published INTEGER NOT NULL,
            retain_handling INTEGER NOT NULL,
            subscription_identifier INTEGER NOT NULL,
            PRIMARY KEY (client_id, filter)
        ) WITHOUT ROWID;
        CREATE TABLE deliveries (
            sequence INTEGER PRIMARY KEY NOT NULL,
            client_id TEXT NOT NULL,
            topic TEXT NOT NULL,
            payload BLOB NOT NULL,
            message_qos INTEGER NOT NULL,
            message_retain INTEGER NOT NULL,
            properties BLOB NOT NULL,
            expires_at INTEGER,
            publisher TEXT,
            qos INTEGER NOT NULL,
            retain INTEGER NOT NULL,
            subscription_identifiers BLOB,
            packet_id INTEGER NOT NULL,
            state INTEGER NOT NULL
        );
        CREATE TABLE incoming_qos2 (
            client_id TEXT NOT NULL,
            packet_id INTEGER NOT NULL,
            PRIMARY KEY (client_id, packet_id)
        ) WITHOUT ROWID;
        """,
    ];

    /// <summary>Brings a store to <see cref="CurrentVersion"/>, or refuses it without changing it.</summary>
    public static void Prepare(SqliteConnection connection, string path)
    {
        var applicationId = ReadPragma(connection, "application_id");
        var version = ReadPragma(connection, "user_version");
        if (applicationId != ApplicationId)
        {
            if (applicationId != 0 || version != 0 || HasTables(connection))
            {
                throw new BrokerStoreException(
                    $"'{path}' is an SQLite database but not a Tether store. Tether never overwrites it: set persistence_file "
                    + "(or persistence_location) to another file, or move this one away.");
            }
        }

        if (version > CurrentVersion)
        {
            throw new BrokerStoreException(
                $"'{path}' is a Tether store of schema version {version}, written by a newer Tether; this Tether reads versions up to "
                + $"{CurrentVersion}. Run the newer Tether, or point persistence_file at another file. The file was not changed.");
        }

        if (version == CurrentVersion)
        {
            return;
        }

        using var transaction = connection.BeginTransaction();
        for (var step = version; step < CurrentVersion; step++)
        {
            Execute(connection, transaction, Migrations[step]);
        }

        Execute(connection, transaction, $"PRAGMA application_id = {ApplicationId}; PRAGMA user_version = {CurrentVersion};");
        transaction.Commit();
    }

    private static long ReadPragma(SqliteConnection connection, string name)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA " + name;
        return (long)command.ExecuteScalar()!;
    }

    private static bool HasTables(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM sqlite_master";
        return (long)command.ExecuteScalar()! > 0;
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
