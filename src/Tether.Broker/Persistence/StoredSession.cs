using Tether.Protocol;

namespace Tether.Broker.Persistence;

/// <summary>A session that outlives its connection, without its deliveries.</summary>
/// <param name="ClientId">The client id.</param>
/// <param name="ProtocolVersion">The protocol of its last connection.</param>
/// <param name="ExpiryIntervalSeconds">Session expiry after disconnect; <see cref="uint.MaxValue"/> = never.</param>
/// <param name="DisconnectedAt">When its connection ended; null while it was connected.</param>
/// <param name="UserName">The user name of its last connection (read access is checked with it while offline).</param>
/// <param name="Subscriptions">Its subscriptions.</param>
/// <param name="Will">The will of its connection (or the will waiting out its delay); null for none.</param>
public sealed record StoredSession(
    string ClientId,
    ProtocolVersion ProtocolVersion,
    uint ExpiryIntervalSeconds,
    DateTimeOffset? DisconnectedAt,
    string? UserName,
    IReadOnlyList<StoredSubscription> Subscriptions,
    StoredWill? Will);
