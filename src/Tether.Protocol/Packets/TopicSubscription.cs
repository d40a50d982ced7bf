namespace Tether.Protocol;

/// <summary>One topic filter of a SUBSCRIBE with its options (§3.8.3.1).</summary>
/// <param name="Filter">Topic filter, possibly with wildcards or a <c>$share/</c> prefix.</param>
/// <param name="MaximumQoS">Highest QoS the subscriber accepts.</param>
/// <param name="NoLocal">5.0: do not deliver the subscriber's own publications.</param>
/// <param name="RetainAsPublished">5.0: keep the retain flag of forwarded messages.</param>
/// <param name="RetainHandling">5.0: when to send retained messages.</param>
public sealed record TopicSubscription(
    string Filter,
    QualityOfService MaximumQoS,
    bool NoLocal = false,
    bool RetainAsPublished = false,
    RetainHandling RetainHandling = RetainHandling.SendAtSubscribe);
