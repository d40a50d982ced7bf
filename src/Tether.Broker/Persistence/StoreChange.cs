namespace Tether.Broker.Persistence;

// The changes the broker submits, one record per kind. They are kept together because they are one vocabulary:
// an implementation switches over all of them.

/// <summary>One change to the broker's durable state.</summary>
public abstract record StoreChange;

/// <summary>A retained message was set or replaced for its topic.</summary>
/// <param name="Message">The message, retained flag set.</param>
public sealed record RetainedMessageSet(StoredMessage Message) : StoreChange;

/// <summary>The retained message of a topic was cleared (a retained PUBLISH with an empty payload).</summary>
/// <param name="Topic">The topic.</param>
public sealed record RetainedMessageCleared(string Topic) : StoreChange;

/// <summary>A session that outlives its connection was created or changed: its row and subscriptions are replaced.</summary>
/// <param name="Session">The session as it is now.</param>
public sealed record SessionSaved(StoredSession Session) : StoreChange;

/// <summary>A session ended: it and everything queued or in flight for it is removed.</summary>
/// <param name="ClientId">The session's client id.</param>
/// <param name="DeliverySequences">The sequence numbers of its deliveries still in the store.</param>
public sealed record SessionRemoved(string ClientId, IReadOnlyList<long> DeliverySequences) : StoreChange;

/// <summary>A message was handed to a session: queued, or sent at once when <see cref="StoredDelivery.PacketId"/> is set.</summary>
/// <param name="ClientId">The session's client id.</param>
/// <param name="Delivery">The delivery.</param>
public sealed record DeliveryQueued(string ClientId, StoredDelivery Delivery) : StoreChange;

/// <summary>A queued delivery was sent with a packet identifier and is now in flight.</summary>
/// <param name="ClientId">The session's client id.</param>
/// <param name="Sequence">The delivery's sequence number, unique across the broker.</param>
/// <param name="PacketId">Its packet identifier.</param>
public sealed record DeliverySent(string ClientId, long Sequence, ushort PacketId) : StoreChange;

/// <summary>PUBREC arrived for an outgoing QoS 2 delivery: from now on PUBREL is what is resent.</summary>
/// <param name="ClientId">The session's client id.</param>
/// <param name="Sequence">The delivery's sequence number.</param>
public sealed record DeliveryReleased(string ClientId, long Sequence) : StoreChange;

/// <summary>A delivery is finished (acknowledged, expired or dropped).</summary>
/// <param name="ClientId">The session's client id.</param>
/// <param name="Sequence">The delivery's sequence number.</param>
public sealed record DeliveryCompleted(string ClientId, long Sequence) : StoreChange;

/// <summary>An incoming QoS 2 message was routed; its packet identifier is held until PUBREL.</summary>
/// <param name="ClientId">The publisher's client id.</param>
/// <param name="PacketId">The packet identifier.</param>
public sealed record IncomingQoS2Added(string ClientId, ushort PacketId) : StoreChange;

/// <summary>PUBREL arrived: the incoming QoS 2 packet identifier is free again.</summary>
/// <param name="ClientId">The publisher's client id.</param>
/// <param name="PacketId">The packet identifier.</param>
public sealed record IncomingQoS2Released(string ClientId, ushort PacketId) : StoreChange;
