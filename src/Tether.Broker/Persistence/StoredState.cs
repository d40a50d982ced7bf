namespace Tether.Broker.Persistence;

/// <summary>Everything a store held when it was read at start-up.</summary>
/// <param name="Retained">Retained messages.</param>
/// <param name="Sessions">Sessions with their deliveries.</param>
public sealed record StoredState(IReadOnlyList<StoredMessage> Retained, IReadOnlyList<StoredSessionState> Sessions)
{
    /// <summary>An empty store.</summary>
    public static StoredState Empty { get; } = new([], []);
}
