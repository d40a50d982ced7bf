using System.Buffers;
using System.Text;
using Tether.Protocol;

namespace Tether.Broker.Persistence;

/// <summary>
/// Turns the broker's messages, subscriptions and wills into the store's records and back. A message's 5.0
/// properties are kept as the property section of a 5.0 PUBLISH written by the broker's own codec, so the store
/// needs no knowledge of MQTT properties and a property added to the protocol later needs no schema change.
/// </summary>
internal static class StoredMessageCodec
{
    private static readonly Utf8Text PlaceholderTopic = Utf8Text.FromString("p");

    /// <summary>
    /// The store's record of <paramref name="message"/>. A pooled message's payload buffer goes back to the pool
    /// when its holders are done, which may be before the store writes the record, so the record gets a copy
    /// (the durable mode allocates; the in-memory path does not come here).
    /// </summary>
    public static StoredMessage ToStored(ApplicationMessage message, bool? retain = null) => new(
        message.Topic,
        message.IsPooled ? message.Payload.ToArray() : message.Payload,
        message.QoS,
        retain ?? message.Retain,
        EncodeProperties(message.Properties),
        message.ExpiresAt,
        message.PublisherClientId);

    public static ApplicationMessage FromStored(StoredMessage stored) =>
        new(stored.Topic, Encoding.UTF8.GetBytes(stored.Topic), stored.Payload, stored.QoS, stored.Retain, DecodeProperties(stored.Properties), stored.ExpiresAt, stored.PublisherClientId);

    /// <summary>Restore: shares topic encodings, decoded properties and whole messages through <paramref name="cache"/>.</summary>
    public static ApplicationMessage FromStored(StoredMessage stored, RestoredMessageCache cache) =>
        cache.Message(stored, static (message, shared) => new ApplicationMessage(
            message.Topic,
            shared.TopicUtf8(message.Topic),
            message.Payload,
            message.QoS,
            message.Retain,
            shared.Properties(message.Properties, DecodeProperties),
            message.ExpiresAt,
            message.PublisherClientId));

    public static StoredSubscription ToStored(string filter, SubscriptionOptions options) =>
        new(filter, options.MaximumQoS, options.NoLocal, options.RetainAsPublished, options.RetainHandling, options.SubscriptionIdentifier);

    public static SubscriptionOptions FromStored(StoredSubscription stored) =>
        new(stored.MaximumQoS, stored.NoLocal, stored.RetainAsPublished, stored.RetainHandling, stored.SubscriptionIdentifier);

    public static StoredWill? ToStored(PendingWill? will) =>
        will is null ? null : new StoredWill(ToStored(will.Message), will.DelaySeconds, will.ExpirySeconds);

    public static PendingWill FromStored(StoredWill stored) =>
        new(FromStored(stored.Message), stored.DelaySeconds, stored.ExpirySeconds);

    private static ReadOnlyMemory<byte> EncodeProperties(MqttProperties? properties)
    {
        if (properties is null || properties.IsEmpty)
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        var packet = new PublishPacket { Topic = PlaceholderTopic, QoS = QualityOfService.AtMostOnce };
        properties.CopyTo(packet.Properties);
        var output = new ArrayBufferWriter<byte>(64);
        MqttPacketWriter.Write(output, packet, ProtocolVersion.V500);
        return output.WrittenMemory.ToArray();
    }

    private static MqttProperties? DecodeProperties(ReadOnlyMemory<byte> encoded)
    {
        if (encoded.IsEmpty)
        {
            return null;
        }

        var reader = new MqttPacketReader(ProtocolVersion.V500);
        var buffer = new ReadOnlySequence<byte>(encoded);
        if (reader.TryRead(ref buffer, out var packet, out var error) != ReadStatus.Packet || packet is not PublishPacket publish)
        {
            throw new InvalidDataException("A stored message's properties cannot be read: " + error.Message);
        }

        return MqttConnection.ForwardedProperties(publish.Properties);
    }
}
