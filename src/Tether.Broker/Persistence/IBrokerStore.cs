namespace Tether.Broker.Persistence;

/// <summary>
/// Where the broker keeps what must outlive the process: retained messages and the state of sessions that outlive
/// their connection. The broker describes each change as a <see cref="StoreChange"/> record and never waits for the
/// store on its publish path; it asks to be told when what it submitted is committed, and only then acknowledges
/// QoS 1/2 publications.
/// </summary>
/// <remarks>
/// Implementations apply changes in submission order and report commits in submission order, so a listener
/// that is told about token N after token M was submitted earlier has been told about M first.
/// </remarks>
public interface IBrokerStore : IAsyncDisposable
{
    /// <summary>Whether changes reach durable storage; false for the in-memory store, which the broker then never calls.</summary>
    bool IsDurable { get; }

    /// <summary>Reads what the store holds, once, before the broker takes connections.</summary>
    /// <param name="cancellationToken">Abandons the load.</param>
    Task<StoredState> LoadAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Streams the deliveries of every stored session in sequence order, after <see cref="LoadAsync"/>, one row at a
    /// time, so that a large backlog is never held twice (as store records and as the broker's queues) at restore.
    /// A store may instead return deliveries in <see cref="StoredSessionState.Deliveries"/>; it then streams none here.
    /// Changes may be submitted while the enumeration runs.
    /// </summary>
    /// <param name="cancellationToken">Abandons the read.</param>
    IEnumerable<StoredSessionDelivery> ReadDeliveries(CancellationToken cancellationToken) => [];

    /// <summary>
    /// Whether <see cref="ReadQueuedDeliveriesAsync"/> works, so that the broker may keep only the head of a stored
    /// session's queue in memory and read the rest back as the queue drains.
    /// </summary>
    bool CanPageDeliveries => false;

    /// <summary>
    /// Reads committed deliveries by sequence number, for paging a queue back in. Never blocks the caller and never
    /// runs on the writer; completes asynchronously, with the rows found in sequence order (a sequence whose row is
    /// gone is left out). Only asked for sequences whose <see cref="DeliveryQueued"/> is known to be committed.
    /// </summary>
    /// <param name="sequences">The sequence numbers, in increasing order.</param>
    /// <param name="cancellationToken">Abandons the read.</param>
    Task<IReadOnlyList<StoredDelivery>> ReadQueuedDeliveriesAsync(long[] sequences, CancellationToken cancellationToken) =>
        throw new NotSupportedException("This store does not page deliveries (CanPageDeliveries is false).");

    /// <summary>Queues one change; never blocks.</summary>
    /// <param name="change">The change.</param>
    void Submit(StoreChange change);

    /// <summary>
    /// Calls <paramref name="listener"/> with <paramref name="token"/> once every change submitted before this call
    /// is committed. Never blocks; the call happens on the store's own thread.
    /// </summary>
    /// <param name="listener">Who to tell.</param>
    /// <param name="token">Passed back unchanged, so that the listener needs no allocation per call.</param>
    void WhenCommitted(IStoreCommitListener listener, long token);

    /// <summary>Completes when every change submitted so far is committed.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    Task FlushAsync(CancellationToken cancellationToken);
}
