using Tether.Protocol;

namespace Tether.Broker.Persistence;

/// <summary>A message queued for, or in flight to, one session.</summary>
/// <param name="Sequence">Orders deliveries; unique across the broker and growing, so the store can append.</param>
/// <param name="Message">The message.</param>
/// <param name="QoS">The QoS it is delivered with.</param>
/// <param name="Retain">The retain flag it is delivered with.</param>
/// <param name="SubscriptionIdentifiers">5.0 subscription identifiers it is delivered with; null for none.</param>
/// <param name="PacketId">The packet identifier while in flight; 0 while queued.</param>
/// <param name="State">Where it is in its flow.</param>
public sealed record StoredDelivery(
    long Sequence,
    StoredMessage Message,
    QualityOfService QoS,
    bool Retain,
    IReadOnlyList<uint>? SubscriptionIdentifiers,
    ushort PacketId,
    DeliveryState State);
