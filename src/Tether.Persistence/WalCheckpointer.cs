using Microsoft.Data.Sqlite;

namespace Tether.Persistence;

/// <summary>
/// Copies the WAL back into the database file from its own connection and thread. SQLite's automatic checkpoint
/// runs inside the commit that crosses the threshold, so one unlucky batch would wait for it and every
/// acknowledgement in that batch with it; a PASSIVE checkpoint here never blocks the writer.
/// </summary>
internal sealed class WalCheckpointer : IAsyncDisposable
{
    /// <summary>Often enough that the WAL stays a few megabytes under load, rarely enough to cost nothing when idle.</summary>
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    private readonly SqliteConnection _connection;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public WalCheckpointer(string connectionString)
    {
        _connection = new SqliteConnection(connectionString);
        _connection.Open();
        _loop = Task.Run(RunAsync);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                using var command = _connection.CreateCommand();
                command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
                try
                {
                    command.ExecuteNonQuery();
                }
                catch (SqliteException)
                {
                    // Busy or failing: the writer's own connection still works; the next tick tries again.
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
