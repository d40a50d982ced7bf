namespace Tether.Broker.Persistence;

/// <summary>One stored delivery with the client id of the session it belongs to, as <see cref="IBrokerStore.ReadDeliveries"/> streams them.</summary>
/// <param name="ClientId">The session's client id.</param>
/// <param name="Delivery">The delivery.</param>
public readonly record struct StoredSessionDelivery(string ClientId, StoredDelivery Delivery);
