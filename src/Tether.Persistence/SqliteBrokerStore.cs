using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Tether.Broker.Persistence;

namespace Tether.Persistence;

/// <summary>
/// The durable store: one SQLite file in WAL mode. Changes go into an unbounded channel (the broker never waits);
/// one writer thread drains it into one transaction per batch (closed when the channel is empty or the batch is
/// full), commits, and only then tells the listeners waiting on that batch, in submission order. Grouping many
/// publishers' changes into one commit is what keeps durability from costing one sync per message.
/// </summary>
public sealed partial class SqliteBrokerStore : IBrokerStore
{
    // 16 bytes every SQLite 3 database starts with.
    private static readonly byte[] SqliteHeader = "SQLite format 3\0"u8.ToArray();

    private readonly Channel<PendingItem> _pending = Channel.CreateUnbounded<PendingItem>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SqliteConnection _connection;
    private readonly SqliteStoreOptions _options;
    private readonly Thread _writer;
    private readonly TaskCompletionSource _writerEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly WalCheckpointer _checkpointer;
    private readonly TaskCompletionSource<BrokerStoreException> _writeFailed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile BrokerStoreException? _failure;
    private int _disposed;

    private SqliteBrokerStore(SqliteConnection connection, string connectionString, string path, SqliteStoreOptions options)
    {
        _connection = connection;
        _options = options;
        Path = path;
        _checkpointer = new WalCheckpointer(connectionString);
        _writer = new Thread(RunWriter) { IsBackground = true, Name = "Tether store writer" };
        _writer.Start();
    }

    /// <summary>The store file.</summary>
    public string Path { get; }

    /// <inheritdoc />
    public bool IsDurable => true;

    /// <summary>The error that stopped the writer, if any; from then on nothing is acknowledged.</summary>
    public Exception? Failure => _failure;

    /// <summary>
    /// Completes, with the error, when a write fails (disk full, I/O error, the file made read-only or removed): from
    /// then on nothing is committed, so no acknowledgement that waits for a commit is ever sent. Never completes while
    /// writes succeed. The host watches it to tell the operator and stop.
    /// </summary>
    public Task<BrokerStoreException> WriteFailed => _writeFailed.Task;

    /// <summary>
    /// Opens the store at <paramref name="path"/>, creating it if there is no file, migrating an older schema, and
    /// refusing (without changing it) a damaged file, a file that is not a Tether store, or a newer schema.
    /// </summary>
    /// <param name="path">The store file.</param>
    /// <param name="options">Write options; <see cref="SqliteStoreOptions.Default"/> when null.</param>
    /// <exception cref="BrokerStoreException">The file cannot be used; the message says why and what to do.</exception>
    public static SqliteBrokerStore Open(string path, SqliteStoreOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fullPath = System.IO.Path.GetFullPath(path);
        var exists = File.Exists(fullPath);
        if (exists)
        {
            CheckHeader(fullPath);
        }
        else if (System.IO.Path.GetDirectoryName(fullPath) is { } directory && !Directory.Exists(directory))
        {
            throw new BrokerStoreException($"Cannot create the store '{fullPath}': the directory '{directory}' does not exist (persistence_location).");
        }

        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = fullPath,
            Mode = exists ? SqliteOpenMode.ReadWrite : SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        }.ToString();
        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
            SqliteSchema.Prepare(connection, fullPath);
            Execute(connection, "PRAGMA journal_mode = WAL;");
            Execute(connection, (options ?? SqliteStoreOptions.Default).SyncEveryCommit ? "PRAGMA synchronous = FULL;" : "PRAGMA synchronous = NORMAL;");

            // Checkpoints run on WalCheckpointer's connection, not inside the writer's commits. The automatic one stays
            // as a safety net at 16384 pages (64 MB with 4 KB pages) in case the background one cannot keep up, and
            // a WAL that grew is cut back to that size when it restarts.
            Execute(connection, "PRAGMA wal_autocheckpoint = 16384; PRAGMA journal_size_limit = 67108864;");
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw new BrokerStoreException(
                $"The store '{fullPath}' cannot be read ({e.Message}). Tether does not overwrite it: restore it from a backup, "
                + "or move it away to start with an empty store.",
                e);
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        var writeConnectionString = new SqliteConnectionStringBuilder { DataSource = fullPath, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString();
        return new SqliteBrokerStore(connection, writeConnectionString, fullPath, options ?? SqliteStoreOptions.Default);
    }

    /// <inheritdoc />
    public void Submit(StoreChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        _pending.Writer.TryWrite(new PendingItem(change, null, 0, null));
    }

    /// <inheritdoc />
    public void WhenCommitted(IStoreCommitListener listener, long token)
    {
        ArgumentNullException.ThrowIfNull(listener);
        _pending.Writer.TryWrite(new PendingItem(null, listener, token, null));
    }

    /// <inheritdoc />
    public Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_failure is { } failure)
        {
            return Task.FromException(failure);
        }

        var flushed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_pending.Writer.TryWrite(new PendingItem(null, null, 0, flushed)))
        {
            return _writerEnded.Task;
        }

        return flushed.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Commits what is pending, stops the writer and closes the file. A second call does nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await StopReaderAsync().ConfigureAwait(false);
        _pending.Writer.TryComplete();
        await _writerEnded.Task.ConfigureAwait(false);
        await _checkpointer.DisposeAsync().ConfigureAwait(false);

        // The last connection to close checkpoints the whole WAL into the database file.
        _connection.Dispose();
    }

    private void RunWriter()
    {
        var batch = new List<PendingItem>(_options.MaxBatchSize);
        var reader = _pending.Reader;
        try
        {
            while (true)
            {
                if (!reader.TryPeek(out _) && !reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
                {
                    break;
                }

                batch.Clear();
                var changes = 0;
                while (changes < _options.MaxBatchSize && reader.TryRead(out var item))
                {
                    batch.Add(item);
                    if (item.Change is not null)
                    {
                        changes++;
                    }
                }

                if (changes > 0 && _failure is null)
                {
                    try
                    {
                        Commit(batch);
                    }
                    catch (Exception e) when (e is SqliteException or InvalidOperationException or IOException)
                    {
                        // Nothing after this point is durable, so nothing more is acknowledged. The batch's changes are
                        // lost with the transaction; their acknowledgements were never sent.
                        _failure = new BrokerStoreException($"Writing the store '{Path}' failed: {e.Message}", e);
                        _writeFailed.TrySetResult(_failure);
                    }
                }

                if (_failure is not null)
                {
                    foreach (var item in batch)
                    {
                        item.Flushed?.TrySetException(_failure);
                    }

                    continue;
                }

                foreach (var item in batch)
                {
                    item.Listener?.OnCommitted(item.Token);
                    item.Flushed?.TrySetResult();
                }
            }
        }
        finally
        {
            _writerEnded.TrySetResult();
        }
    }

    private static void CheckHeader(string path)
    {
        var header = new byte[SqliteHeader.Length];
        int read;
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            read = file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BrokerStoreException($"The store '{path}' cannot be opened: {e.Message}", e);
        }

        // An empty file is an empty database to SQLite; anything else must be one.
        if (read > 0 && !header.AsSpan(0, read).SequenceEqual(SqliteHeader))
        {
            var mosquitto = read >= 4 && header[1] == 0xB5 && header[2] == 0x00 && header[3] == (byte)'m';
            throw new BrokerStoreException(mosquitto
                ? $"'{path}' is a Mosquitto persistence file (mosquitto.db); Tether cannot read it and never overwrites it. "
                  + "Leave persistence_file unset (Tether then uses tether.db) or name another file; retained messages and sessions are not carried over."
                : $"'{path}' is not a Tether store (not an SQLite database). Tether never overwrites it: point persistence_file at another file, or move this one away.");
        }
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private readonly record struct PendingItem(StoreChange? Change, IStoreCommitListener? Listener, long Token, TaskCompletionSource? Flushed);
}
