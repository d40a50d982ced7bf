using Tether.Broker.Persistence;

namespace Tether.Broker.Tests.Support;

/// <summary>A durable store whose commits the test triggers: what waits for a commit stays waiting until <see cref="CommitAll"/>.</summary>
internal sealed class ManualCommitStore(StoredState? initial = null, IReadOnlyList<StoredSessionDelivery>? streamedDeliveries = null) : IBrokerStore
{
    private readonly Lock _gate = new();
    private TaskCompletionSource _listenerAdded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<StoreChange> _submitted = [];
    private readonly List<(IStoreCommitListener Listener, long Token)> _waiting = [];

    public bool IsDurable => true;

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
}
