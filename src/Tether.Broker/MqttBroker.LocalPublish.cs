using Tether.Protocol;

namespace Tether.Broker;

/// <summary>Messages the broker publishes itself (no client), such as log lines under <c>$SYS/broker/log/</c>.</summary>
public sealed partial class MqttBroker
{
    /// <summary>
    /// Publishes a message as the broker, to the subscribers of <paramref name="topic"/> (read access is checked as
    /// for any delivery). Unlike a client's PUBLISH, <c>$SYS</c> topics are allowed.
    /// </summary>
    /// <param name="topic">The topic, without wildcards.</param>
    /// <param name="payload">The payload; the broker keeps a reference, so it must not change afterwards.</param>
    /// <param name="qos">The message's QoS.</param>
    /// <param name="retain">Whether to retain it.</param>
    /// <returns>How many sessions it was delivered to.</returns>
    public int PublishFromBroker(string topic, ReadOnlyMemory<byte> payload, QualityOfService qos, bool retain)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        return Publish(ApplicationMessage.Create(topic, payload, qos, retain));
    }
}
