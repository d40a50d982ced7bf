using System.Text;
using Tether.Protocol;

namespace Tether.Client;

/// <summary>An application message: what <see cref="MqttClient.PublishAsync(MqttApplicationMessage, CancellationToken)"/> sends and what subscriptions receive.</summary>
public sealed record MqttApplicationMessage
{
    /// <summary>Creates a message for <paramref name="topic"/>.</summary>
    public MqttApplicationMessage(string topic, ReadOnlyMemory<byte> payload = default, QualityOfService qos = QualityOfService.AtMostOnce, bool retain = false)
    {
        Topic = topic;
        Payload = payload;
        QoS = qos;
        Retain = retain;
    }

    /// <summary>Topic name.</summary>
    public string Topic { get; init; }

    /// <summary>Payload bytes (owned by this message).</summary>
    public ReadOnlyMemory<byte> Payload { get; init; }

    /// <summary>Quality of service.</summary>
    public QualityOfService QoS { get; init; }

    /// <summary>Retain flag.</summary>
    public bool Retain { get; init; }

    /// <summary>On received messages: whether the server marked it as a possible duplicate.</summary>
    public bool Duplicate { get; init; }

    /// <summary>5.0: MIME type of the payload.</summary>
    public string? ContentType { get; init; }

    /// <summary>5.0: topic for a response.</summary>
    public string? ResponseTopic { get; init; }

    /// <summary>5.0: correlation data for request/response.</summary>
    public ReadOnlyMemory<byte>? CorrelationData { get; init; }

    /// <summary>5.0: lifetime of the message.</summary>
    public TimeSpan? MessageExpiry { get; init; }

    /// <summary>5.0: whether the payload is UTF-8 text.</summary>
    public bool? PayloadIsUtf8 { get; init; }

    /// <summary>5.0: user properties in order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> UserProperties { get; init; } = [];

    /// <summary>5.0: subscription identifiers that matched (received messages only).</summary>
    public IReadOnlyList<uint> SubscriptionIdentifiers { get; init; } = [];

    /// <summary>The payload decoded as UTF-8.</summary>
    public string PayloadAsString() => Encoding.UTF8.GetString(Payload.Span);
}
