using Tether.Protocol;

namespace Tether.Broker;

/// <summary>What a session asked for when it subscribed to one filter.</summary>
/// <param name="MaximumQoS">Highest QoS to deliver with.</param>
/// <param name="NoLocal">5.0: skip the session's own publications.</param>
/// <param name="RetainAsPublished">5.0: keep the publisher's retain flag.</param>
/// <param name="RetainHandling">5.0: when retained messages are sent on subscribe.</param>
/// <param name="SubscriptionIdentifier">5.0: identifier to attach to deliveries; 0 for none.</param>
internal readonly record struct SubscriptionOptions(
    QualityOfService MaximumQoS,
    bool NoLocal,
    bool RetainAsPublished,
    RetainHandling RetainHandling,
    uint SubscriptionIdentifier)
{
    /// <summary>
    /// The QoS a message is delivered with on this subscription: the lower of the two [MQTT-3.8.4-8], or the
    /// subscription's own with Mosquitto's <c>upgrade_outgoing_qos</c>.
    /// </summary>
    public QualityOfService DeliveryQoS(QualityOfService messageQoS, bool upgradeOutgoingQoS) => upgradeOutgoingQoS
        ? MaximumQoS
        : (QualityOfService)Math.Min((byte)messageQoS, (byte)MaximumQoS);
}
