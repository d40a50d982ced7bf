using Tether.Protocol;

namespace Tether.Broker.Persistence;

/// <summary>A message as the store keeps it.</summary>
/// <param name="Topic">The topic name.</param>
/// <param name="Payload">The payload.</param>
/// <param name="QoS">The QoS it was published with.</param>
/// <param name="Retain">The retain flag it carries.</param>
/// <param name="Properties">The forwarded 5.0 properties in the broker's own encoding; empty when there are none. Opaque to the store.</param>
/// <param name="ExpiresAt">When it expires; null for never.</param>
/// <param name="PublisherClientId">The publisher's client id (for 5.0 no-local); null for broker-generated messages.</param>
public sealed record StoredMessage(
    string Topic,
    ReadOnlyMemory<byte> Payload,
    QualityOfService QoS,
    bool Retain,
    ReadOnlyMemory<byte> Properties,
    DateTimeOffset? ExpiresAt,
    string? PublisherClientId);
