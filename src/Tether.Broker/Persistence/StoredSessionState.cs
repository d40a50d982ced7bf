namespace Tether.Broker.Persistence;

/// <summary>A stored session with what was queued and in flight for it when the store was read.</summary>
/// <param name="Session">The session.</param>
/// <param name="Deliveries">Its outgoing deliveries in sequence order.</param>
/// <param name="IncomingQoS2">Packet identifiers of incoming QoS 2 messages awaiting PUBREL.</param>
public sealed record StoredSessionState(StoredSession Session, IReadOnlyList<StoredDelivery> Deliveries, IReadOnlyList<ushort> IncomingQoS2);
