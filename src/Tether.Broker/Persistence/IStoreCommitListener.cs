namespace Tether.Broker.Persistence;

/// <summary>Told by an <see cref="IBrokerStore"/> that the changes submitted before a <see cref="IBrokerStore.WhenCommitted"/> call are durable.</summary>
public interface IStoreCommitListener
{
    /// <summary>The changes are committed.</summary>
    /// <param name="token">The token given to <see cref="IBrokerStore.WhenCommitted"/>.</param>
    void OnCommitted(long token);
}
