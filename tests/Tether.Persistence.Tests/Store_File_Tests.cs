using Microsoft.Data.Sqlite;

namespace Tether.Persistence.Tests;

/// <summary>Opening store files: new, current, older, newer, foreign and damaged ones. A refused file is never changed.</summary>
public class Store_File_Tests
{
    [Fact]
    public async Task A_new_store_is_created_with_the_current_schema_version_and_tethers_application_id()
    {
        using var directory = new TempStoreDirectory();
        await using (var store = SqliteBrokerStore.Open(directory.StorePath))
        {
            Assert.Empty((await store.LoadAsync(CancellationToken.None)).Sessions);
        }

        Assert.Equal(SqliteSchema.CurrentVersion, ReadPragma(directory.StorePath, "user_version"));
        Assert.Equal(SqliteSchema.ApplicationId, ReadPragma(directory.StorePath, "application_id"));
        Assert.Equal("wal", ReadText(directory.StorePath, "PRAGMA journal_mode"));
    }

    [Fact]
    public async Task An_empty_file_is_migrated_from_version_0()
    {
        using var directory = new TempStoreDirectory();
        File.WriteAllBytes(directory.StorePath, []);
        await SqliteBrokerStore.Open(directory.StorePath).DisposeAsync();
        Assert.Equal(SqliteSchema.CurrentVersion, ReadPragma(directory.StorePath, "user_version"));
    }

    [Fact]
    public void A_mosquitto_persistence_file_is_refused_and_left_unchanged()
    {
        using var directory = new TempStoreDirectory();
        var path = Path.Combine(directory.DirectoryPath, "mosquitto.db");

        // Mosquitto's file starts with its magic "\0\xB5\0mosquitto db" (persist.h), then a CRC and version.
        byte[] content = [0x00, 0xB5, 0x00, .. "mosquitto db"u8, 0, 0, 0, 0, 0, 0, 0, 6, 1, 2, 3];
        File.WriteAllBytes(path, content);

        var e = Assert.Throws<BrokerStoreException>(() => SqliteBrokerStore.Open(path));

        Assert.Contains("Mosquitto persistence file", e.Message, StringComparison.Ordinal);
        Assert.Contains("tether.db", e.Message, StringComparison.Ordinal);
        Assert.Equal(content, File.ReadAllBytes(path));
    }

    [Fact]
    public void A_file_that_is_not_sqlite_is_refused_and_left_unchanged()
    {
        using var directory = new TempStoreDirectory();
        var content = "retained messages, honest"u8.ToArray();
        File.WriteAllBytes(directory.StorePath, content);

        var e = Assert.Throws<BrokerStoreException>(() => SqliteBrokerStore.Open(directory.StorePath));

        Assert.Contains("not a Tether store", e.Message, StringComparison.Ordinal);
        Assert.Equal(content, File.ReadAllBytes(directory.StorePath));
    }

    [Fact]
    public void Another_applications_sqlite_database_is_refused_and_left_unchanged()
    {
        using var directory = new TempStoreDirectory();
        Execute(directory.StorePath, "CREATE TABLE invoices (id INTEGER PRIMARY KEY); INSERT INTO invoices VALUES (7);");
        var before = File.ReadAllBytes(directory.StorePath);

        var e = Assert.Throws<BrokerStoreException>(() => SqliteBrokerStore.Open(directory.StorePath));

        Assert.Contains("not a Tether store", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(directory.StorePath));
    }

    [Fact]
    public void A_store_written_by_a_newer_tether_is_refused_and_left_unchanged()
    {
        using var directory = new TempStoreDirectory();
        var newer = SqliteSchema.CurrentVersion + 1;
        Execute(directory.StorePath, $"PRAGMA application_id = {SqliteSchema.ApplicationId}; PRAGMA user_version = {newer}; CREATE TABLE future (x);");
        var before = File.ReadAllBytes(directory.StorePath);

        var e = Assert.Throws<BrokerStoreException>(() => SqliteBrokerStore.Open(directory.StorePath));

        Assert.Contains($"schema version {newer}", e.Message, StringComparison.Ordinal);
        Assert.Contains("newer Tether", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(directory.StorePath));
    }

    [Fact]
    public async Task A_damaged_store_is_refused_and_left_unchanged()
    {
        using var directory = new TempStoreDirectory();
        await SqliteBrokerStore.Open(directory.StorePath).DisposeAsync();
        var content = File.ReadAllBytes(directory.StorePath);

        // Keep the SQLite header, overwrite the rest of the first page (page size, schema) with garbage.
        for (var i = 16; i < Math.Min(content.Length, 4096); i++)
        {
            content[i] = 0xEE;
        }

        File.WriteAllBytes(directory.StorePath, content);

        var e = Assert.Throws<BrokerStoreException>(() => SqliteBrokerStore.Open(directory.StorePath));

        Assert.Contains("cannot be read", e.Message, StringComparison.Ordinal);
        Assert.Equal(content, File.ReadAllBytes(directory.StorePath));
    }

    [Fact]
    public void A_missing_directory_is_named()
    {
        using var directory = new TempStoreDirectory();
        var path = Path.Combine(directory.DirectoryPath, "absent", "tether.db");

        var e = Assert.Throws<BrokerStoreException>(() => SqliteBrokerStore.Open(path));

        Assert.Contains("does not exist", e.Message, StringComparison.Ordinal);
    }

    internal static long ReadPragma(string path, string name) => (long)Scalar(path, "PRAGMA " + name)!;

    private static string ReadText(string path, string sql) => (string)Scalar(path, sql)!;

    private static object? Scalar(string path, string sql)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private static void Execute(string path, string sql)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
