using Tether.Protocol;

namespace Tether.Broker.Persistence;

/// <summary>One subscription of a stored session, with all its options.</summary>
/// <param name="Filter">The topic filter (with its <c>$share/group/</c> prefix for shared subscriptions).</param>
/// <param name="MaximumQoS">Highest QoS granted.</param>
/// <param name="NoLocal">5.0 no-local.</param>
/// <param name="RetainAsPublished">5.0 retain-as-published.</param>
/// <param name="RetainHandling">5.0 retain handling.</param>
/// <param name="SubscriptionIdentifier">5.0 subscription identifier; 0 for none.</param>
public sealed record StoredSubscription(
    string Filter,
    QualityOfService MaximumQoS,
    bool NoLocal,
    bool RetainAsPublished,
    RetainHandling RetainHandling,
    uint SubscriptionIdentifier);
