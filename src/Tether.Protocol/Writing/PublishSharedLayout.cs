namespace Tether.Protocol;

/// <summary>
/// Where the parts of an encoded PUBLISH sit that every receiver of the same protocol family shares (see
/// <see cref="MqttPacketWriter.WritePublishShared"/>): the topic name field, then (5.0) the property list. The packet
/// identifier goes between the two, so the layout records where to split.
/// </summary>
public readonly struct PublishSharedLayout
{
    /// <summary>Describes shared bytes of <paramref name="length"/> bytes whose first <paramref name="topicFieldLength"/> are the topic name field.</summary>
    public PublishSharedLayout(int length, int topicFieldLength, int expiryValueOffset)
    {
        Length = length;
        TopicFieldLength = topicFieldLength;
        ExpiryValueOffset = expiryValueOffset;
    }

    /// <summary>Length of the shared bytes: topic name field plus property list.</summary>
    public int Length { get; }

    /// <summary>Length of the topic name field (two-byte length and the name) at the start of the shared bytes.</summary>
    public int TopicFieldLength { get; }

    /// <summary>
    /// Offset, within the shared bytes, of the four-byte message expiry interval value; -1 when the message carries
    /// none. The value is what remains of the interval and so differs per receiver [MQTT-3.3.2-6].
    /// </summary>
    public int ExpiryValueOffset { get; }

    /// <summary>Whether the message carries a message expiry interval that each write must fill in.</summary>
    public bool HasExpiry => ExpiryValueOffset >= 0;
}
