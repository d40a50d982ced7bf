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
    /// SQLite <c>synchronous=FULL</c> (the default): each commit is synced to the device before the broker
    /// acknowledges, so acknowledged messages survive power loss as well as a killed process. False uses
    /// <c>NORMAL</c>, which in WAL mode still survives a killed process (the WAL is in the OS cache) but may lose the
    /// last commits on power loss.
    /// </summary>
    public bool SyncEveryCommit { get; init; } = true;
}
