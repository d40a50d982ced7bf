using Tether.Broker.Persistence;

namespace Tether.Broker.Tests.Support;

/// <summary>
/// A durable store whose commits the test triggers: what waits for a commit stays waiting until <see cref="CommitAll"/>.
/// Queued deliveries are read back from what was committed (and from the initial state); with <see cref="HoldReads"/>
/// set, reads wait until <see cref="ReleaseReads"/>.
/// </summary>
internal sealed class ManualCommitStore(StoredState? initial = null, IReadOnlyList<StoredSessionDelivery>? streamedDeliveries = null) : IBrokerStore
{
    private readonly Lock _gate = new();
    private readonly SortedDictionary<long, StoredDelivery> _rows = Rows(initial, streamedDeliveries);
    private readonly List<(long[] Sequences, TaskCompletionSource<IReadOnlyList<StoredDelivery>> Completion)> _heldReads = [];
    private TaskCompletionSource _readRequested = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _listenerAdded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<StoreChange> _submitted = [];
    private readonly List<(IStoreCommitListener Listener, long Token)> _waiting = [];

    public bool IsDurable => true;

    public bool CanPageDeliveries => true;

    /// <summary>While set, reads of queued deliveries wait for <see cref="ReleaseReads"/>.</summary>
    public bool HoldReads { get; set; }

    /// <summary>Sequence numbers asked for by reads, in the order asked.</summary>
    public List<long> ReadSequences { get; } = [];

    /// <summary>Sequence numbers of the queued deliveries committed and not yet completed.</summary>
    public IReadOnlyCollection<long> CommittedRows
    {
        get
        {
            lock (_gate)
            {
                return [.. _rows.Keys];
            }
        }
    }

    public Task<IReadOnlyList<StoredDelivery>> ReadQueuedDeliveriesAsync(long[] sequences, CancellationToken cancellationToken)
    {
        var completion = new TaskCompletionSource<IReadOnlyList<StoredDelivery>>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            ReadSequences.AddRange(sequences);
            if (HoldReads)
            {
                _heldReads.Add((sequences, completion));
                _readRequested.TrySetResult();
                _readRequested = new(TaskCreationOptions.RunContinuationsAsynchronously);
                return completion.Task;
            }

            completion.SetResult(ReadRows(sequences));
        }

        return completion.Task;
    }

    /// <summary>Completes when a read is held (at once if one already is).</summary>
    public Task ReadHeldAsync()
    {
        lock (_gate)
        {
            return _heldReads.Count > 0 ? Task.CompletedTask : _readRequested.Task;
        }
    }

    /// <summary>Answers the held reads from what is committed now, and stops holding.</summary>
    public void ReleaseReads()
    {
        List<(long[] Sequences, TaskCompletionSource<IReadOnlyList<StoredDelivery>> Completion)> held;
        lock (_gate)
        {
            HoldReads = false;
            held = [.. _heldReads];
            _heldReads.Clear();
        }

        foreach (var (sequences, completion) in held)
        {
            lock (_gate)
            {
                completion.SetResult(ReadRows(sequences));
            }
        }
    }
    public List<StoreChange> Committed { get; } = [];

    public IReadOnlyList<StoreChange> Submitted
    {
        get
        {
            lock (_gate)
            {
                return [.. _submitted];
            }
        }
    }

    public Task<StoredState> LoadAsync(CancellationToken cancellationToken) => Task.FromResult(initial ?? StoredState.Empty);

    public IEnumerable<StoredSessionDelivery> ReadDeliveries(CancellationToken cancellationToken) => streamedDeliveries ?? [];

    /// <summary>Completes when a listener is waiting for a commit (at once if one already is).</summary>
    public Task ListenerWaitingAsync()
    {
        lock (_gate)
        {
            return _waiting.Count > 0 ? Task.CompletedTask : _listenerAdded.Task;
        }
    }

    public void Submit(StoreChange change)
    {
        lock (_gate)
        {
            _submitted.Add(change);
        }
    }

    public void WhenCommitted(IStoreCommitListener listener, long token)
    {
        lock (_gate)
        {
            _waiting.Add((listener, token));
            _listenerAdded.TrySetResult();
            _listenerAdded = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>Commits everything submitted so far and tells the listeners, in order.</summary>
    public void CommitAll()
    {
        List<(IStoreCommitListener Listener, long Token)> waiting;
        lock (_gate)
        {
            Committed.AddRange(_submitted);
            foreach (var change in _submitted)
            {
                Apply(change);
            }

            _submitted.Clear();
            waiting = [.. _waiting];
            _waiting.Clear();
        }

        foreach (var (listener, token) in waiting)
        {
            listener.OnCommitted(token);
        }
    }

    public Task FlushAsync(CancellationToken cancellationToken)
    {
        CommitAll();
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static SortedDictionary<long, StoredDelivery> Rows(StoredState? initial, IReadOnlyList<StoredSessionDelivery>? streamed)
    {
        var rows = new SortedDictionary<long, StoredDelivery>();
        foreach (var session in initial?.Sessions ?? [])
        {
            foreach (var delivery in session.Deliveries)
            {
                rows[delivery.Sequence] = delivery;
            }
        }

        foreach (var (_, delivery) in streamed ?? [])
        {
            rows[delivery.Sequence] = delivery;
        }

        return rows;
    }

    private void Apply(StoreChange change)
    {
        switch (change)
        {
            case DeliveryQueued queued:
                _rows[queued.Delivery.Sequence] = queued.Delivery;
                break;
            case DeliverySent sent when _rows.TryGetValue(sent.Sequence, out var row):
                _rows[sent.Sequence] = row with { PacketId = sent.PacketId, State = DeliveryState.Sent };
                break;
            case DeliveryCompleted completed:
                _rows.Remove(completed.Sequence);
                break;
            case SessionRemoved removed:
                foreach (var sequence in removed.DeliverySequences)
                {
                    _rows.Remove(sequence);
                }

                break;
        }
    }

    private List<StoredDelivery> ReadRows(long[] sequences)
    {
        var found = new List<StoredDelivery>(sequences.Length);
        foreach (var sequence in sequences)
        {
            if (_rows.TryGetValue(sequence, out var row))
            {
                found.Add(row);
            }
        }

        return found;
    }
}
