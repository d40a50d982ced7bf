namespace Tether.Broker.Persistence;

/// <summary>Where an outgoing delivery is in its QoS flow.</summary>
public enum DeliveryState
{
    /// <summary>Waiting for room in the in-flight window (or for the session to reconnect).</summary>
    Queued = 0,

    /// <summary>PUBLISH sent, no PUBACK/PUBREC yet: resent with DUP on reconnect.</summary>
    Sent = 1,

    /// <summary>QoS 2: PUBREC received, PUBREL sent, no PUBCOMP yet: PUBREL is resent on reconnect.</summary>
    Released = 2,
}
