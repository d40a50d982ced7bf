namespace Tether.Broker.Persistence;

/// <summary>
/// The store of <c>persistence false</c>: everything lives in the broker's memory only, so there is nothing to
/// write. The broker checks <see cref="IsDurable"/> and never submits changes to it.
/// </summary>
public sealed class InMemoryBrokerStore : IBrokerStore
{
    /// <summary>The one instance; it has no state.</summary>
    public static InMemoryBrokerStore Instance { get; } = new();

    /// <inheritdoc />
    public bool IsDurable => false;

    /// <inheritdoc />
    public Task<StoredState> LoadAsync(CancellationToken cancellationToken) => Task.FromResult(StoredState.Empty);

    /// <inheritdoc />
    public void Submit(StoreChange change)
    {
    }

    /// <inheritdoc />
    public void WhenCommitted(IStoreCommitListener listener, long token)
    {
        ArgumentNullException.ThrowIfNull(listener);
        listener.OnCommitted(token);
    }

    /// <inheritdoc />
    public Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
