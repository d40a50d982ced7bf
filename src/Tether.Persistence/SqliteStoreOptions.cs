namespace Tether.Persistence;

/// <summary>How the SQLite store writes.</summary>
public sealed record SqliteStoreOptions
{
    /// <summary>The defaults.</summary>
    public static SqliteStoreOptions Default { get; } = new();

    /// <summary>
    /// Changes committed in one transaction at most. Each transaction costs one WAL sync; 256 keeps a batch's
    /// latency small while a busy broker still pays for one sync per few hundred messages.
    /// </summary>
    public int MaxBatchSize { get; init; } = 256;

    /// <summary>
    /// False (the default): SQLite <c>synchronous=NORMAL</c>. In WAL mode a commit has written its pages to the WAL
    /// file before it returns, so a commit survives the broker process being killed (kill -9, a crash, an OOM kill),
    /// which is the contract Tether makes; only an operating-system crash or power loss can take the last commits,
    /// the database itself stays consistent. True: <c>synchronous=FULL</c>, one fsync per commit, which also survives
    /// power loss and costs about half the durable throughput on the machine measured in BENCHMARKS.md.
    /// </summary>
    public bool SyncEveryCommit { get; init; }
}
