using System.Globalization;
using System.Text;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Tether.Broker.Persistence;
using Tether.Protocol;

namespace Tether.Persistence;

/// <summary>
/// Reading queued deliveries back for sessions whose queue is paged out: by primary key (the broker-wide sequence),
/// on a read-only connection and a thread of their own, so that neither the writer nor a publisher ever waits for a
/// read. WAL mode lets this connection read committed rows while the writer appends; the broker only asks for rows
/// whose commit it has been told about. No index on client id is needed (one made filling a backlog four times
/// slower): the broker keeps each session's paged sequence numbers itself.
/// </summary>
public sealed partial class SqliteBrokerStore
{
    // Parameters per statement: one prepared statement serves every read, shorter reads pad with a sequence that never
    // exists. 128 matches the broker's default memory window, well under SQLite's limit of 32766 parameters.
    private const int SequencesPerRead = 128;

    private readonly Channel<PageRead> _pageReads = Channel.CreateUnbounded<PageRead>(new UnboundedChannelOptions { SingleReader = true });
    private readonly TaskCompletionSource _readerEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Thread? _reader;
    private int _readerStarted;

    /// <inheritdoc />
    public bool CanPageDeliveries => true;

    /// <inheritdoc />
    public Task<IReadOnlyList<StoredDelivery>> ReadQueuedDeliveriesAsync(long[] sequences, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        if (Interlocked.Exchange(ref _readerStarted, 1) == 0)
        {
            _reader = new Thread(RunReader) { IsBackground = true, Name = "Tether store reader" };
            _reader.Start();
        }

        var read = new PageRead(sequences, new TaskCompletionSource<IReadOnlyList<StoredDelivery>>(TaskCreationOptions.RunContinuationsAsynchronously), cancellationToken);
        if (!_pageReads.Writer.TryWrite(read))
        {
            return Task.FromException<IReadOnlyList<StoredDelivery>>(new ObjectDisposedException(nameof(SqliteBrokerStore)));
        }

        return read.Completion.Task;
    }

    private async ValueTask StopReaderAsync()
    {
        _pageReads.Writer.TryComplete();
        if (Interlocked.Exchange(ref _readerStarted, 1) == 0)
        {
            return;
        }

        await _readerEnded.Task.ConfigureAwait(false);
    }

    private void RunReader()
    {
        SqliteConnection? connection = null;
        SqliteCommand? command = null;
        try
        {
            var reads = _pageReads.Reader;
            while (reads.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
            {
                while (reads.TryRead(out var read))
                {
                    if (read.CancellationToken.IsCancellationRequested)
                    {
                        read.Completion.TrySetCanceled(read.CancellationToken);
                        continue;
                    }

                    try
                    {
                        command ??= PrepareRead(connection = OpenReadConnection());
                        read.Completion.TrySetResult(Read(command, read.Sequences));
                    }
                    catch (Exception e) when (e is SqliteException or InvalidOperationException or IOException)
                    {
                        read.Completion.TrySetException(new BrokerStoreException($"Reading queued messages from the store '{Path}' failed: {e.Message}", e));
                    }
                }
            }
        }
        finally
        {
            command?.Dispose();
            connection?.Dispose();

            // Whatever was asked after the last read is abandoned with the store.
            while (_pageReads.Reader.TryRead(out var late))
            {
                late.Completion.TrySetException(new ObjectDisposedException(nameof(SqliteBrokerStore)));
            }

            _readerEnded.TrySetResult();
        }
    }

    private SqliteConnection OpenReadConnection()
    {
        var connectionString = new SqliteConnectionStringBuilder { DataSource = Path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        return connection;
    }

    private static SqliteCommand PrepareRead(SqliteConnection connection)
    {
        var sql = new StringBuilder("SELECT sequence, topic, payload, message_qos, message_retain, properties, expires_at, publisher, qos, retain, subscription_identifiers FROM deliveries WHERE sequence IN (");
        var command = connection.CreateCommand();
        for (var i = 0; i < SequencesPerRead; i++)
        {
            var name = "$" + (i + 1).ToString(CultureInfo.InvariantCulture);
            sql.Append(i == 0 ? name : ", " + name);
            command.Parameters.Add(new SqliteParameter(name, -1L));
        }

        command.CommandText = sql.Append(") ORDER BY sequence").ToString();
        command.Prepare();
        return command;
    }

    private static List<StoredDelivery> Read(SqliteCommand command, long[] sequences)
    {
        var rows = new List<StoredDelivery>(sequences.Length);

        // A page repeats a few topics, publishers and property sets: keep one of each.
        var strings = new Dictionary<string, string>(StringComparer.Ordinal);
        var blobs = new Dictionary<byte[], byte[]>(ByteContentComparer.Instance);
        for (var start = 0; start < sequences.Length; start += SequencesPerRead)
        {
            for (var i = 0; i < SequencesPerRead; i++)
            {
                command.Parameters[i].Value = start + i < sequences.Length ? sequences[start + i] : -1L;
            }

            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var properties = (byte[])reader[5];
                var message = new StoredMessage(Share(strings, reader.GetString(1)), (byte[])reader[2], (QualityOfService)reader.GetInt64(3), reader.GetInt64(4) != 0,
                    properties.Length == 0 ? ReadOnlyMemory<byte>.Empty : Share(blobs, properties), ReadTime(reader, 6), reader.IsDBNull(7) ? null : Share(strings, reader.GetString(7)));
                rows.Add(new StoredDelivery(reader.GetInt64(0), message, (QualityOfService)reader.GetInt64(8), reader.GetInt64(9) != 0,
                    DecodeIdentifiers(reader.IsDBNull(10) ? null : (byte[])reader[10]), 0, DeliveryState.Queued));
            }
        }

        return rows;
    }

    private readonly record struct PageRead(long[] Sequences, TaskCompletionSource<IReadOnlyList<StoredDelivery>> Completion, CancellationToken CancellationToken);
}
