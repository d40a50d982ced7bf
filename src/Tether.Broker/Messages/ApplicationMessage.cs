using System.Text;
using Tether.Protocol;

namespace Tether.Broker;

/// <summary>
/// A published message as the broker keeps it: copied once out of the receive buffer, then shared, immutable,
/// by every session it is delivered to, the retained store and the offline queues.
/// </summary>
internal sealed class ApplicationMessage
{
    public ApplicationMessage(
        string topic,
        ReadOnlyMemory<byte> topicUtf8,
        ReadOnlyMemory<byte> payload,
        QualityOfService qos,
        bool retain,
        MqttProperties? properties,
        DateTimeOffset? expiresAt,
        string? publisherClientId)
    {
        Topic = topic;
        TopicUtf8 = topicUtf8;
        Payload = payload;
        QoS = qos;
        Retain = retain;
        Properties = properties;
        ExpiresAt = expiresAt;
        PublisherClientId = publisherClientId;
    }

    public string Topic { get; }

    public ReadOnlyMemory<byte> TopicUtf8 { get; }

    public ReadOnlyMemory<byte> Payload { get; }

    public QualityOfService QoS { get; }

    public bool Retain { get; }

    /// <summary>
    /// The 5.0 properties forwarded unchanged (payload format, content type, response topic, correlation data,
    /// user properties); null when there are none. Topic alias and subscription identifiers are per hop and not kept.
    /// </summary>
    public MqttProperties? Properties { get; }

    /// <summary>When the message expires (5.0 message expiry interval), or null for never.</summary>
    public DateTimeOffset? ExpiresAt { get; }

    /// <summary>Client id of the publisher, for the 5.0 no-local option; null for broker-generated messages.</summary>
    public string? PublisherClientId { get; }

    public bool IsExpired(DateTimeOffset now) => ExpiresAt is { } expiry && now >= expiry;

    /// <summary>Remaining lifetime in whole seconds, rounded up, for the forwarded message expiry interval [MQTT-3.3.2-6].</summary>
    public uint? RemainingExpirySeconds(DateTimeOffset now)
    {
        if (ExpiresAt is not { } expiry)
        {
            return null;
        }

        var remaining = expiry - now;
        return remaining <= TimeSpan.Zero ? 0 : (uint)Math.Ceiling(remaining.TotalSeconds);
    }

    /// <summary>The same message with another retain flag (retained copies and retain-as-published differ only there).</summary>
    public ApplicationMessage WithRetain(bool retain) =>
        retain == Retain ? this : new ApplicationMessage(Topic, TopicUtf8, Payload, QoS, retain, Properties, ExpiresAt, PublisherClientId);

    /// <summary>A broker-generated message (for $SYS and tests).</summary>
    public static ApplicationMessage Create(string topic, ReadOnlyMemory<byte> payload, QualityOfService qos, bool retain, DateTimeOffset? expiresAt = null) =>
        new(topic, Encoding.UTF8.GetBytes(topic), payload, qos, retain, null, expiresAt, null);
}
