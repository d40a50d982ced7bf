using System.Runtime.InteropServices;
using System.Text;
using Tether.Protocol;

namespace Tether.Broker.Persistence;

/// <summary>
/// Shares what restored messages have in common, so that a backlog read back from the store costs about what it
/// cost before the restart: one UTF-8 encoding per topic, one decoded property set per stored property blob, and
/// one message for the rows of a message that was delivered to several sessions (the store keeps one row per
/// delivery). Only for the restore; dropped when it ends.
/// </summary>
internal sealed class RestoredMessageCache
{
    // Bounds each table; a restore of ever-different topics or messages must not keep all of them twice. A message
    // fanned out to many sessions has rows close together in sequence order, well within this window.
    private const int MaxEntries = 4096;

    private readonly Dictionary<string, byte[]> _topics = new(StringComparer.Ordinal);
    private readonly Dictionary<byte[], MqttProperties?> _properties = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<StoredMessage, ApplicationMessage> _messages = new(StoredMessageContentComparer.Instance);

    public byte[] TopicUtf8(string topic)
    {
        if (!_topics.TryGetValue(topic, out var utf8))
        {
            BoundSize(_topics);
            _topics[topic] = utf8 = Encoding.UTF8.GetBytes(topic);
        }

        return utf8;
    }

    /// <summary>Decodes a property blob once per array; stores share equal blobs as one array when they can.</summary>
    public MqttProperties? Properties(ReadOnlyMemory<byte> encoded, Func<ReadOnlyMemory<byte>, MqttProperties?> decode)
    {
        if (encoded.IsEmpty)
        {
            return null;
        }

        if (!MemoryMarshal.TryGetArray(encoded, out var segment) || segment.Offset != 0 || segment.Count != segment.Array!.Length)
        {
            return decode(encoded);
        }

        if (!_properties.TryGetValue(segment.Array, out var properties))
        {
            BoundSize(_properties);
            _properties[segment.Array] = properties = decode(encoded);
        }

        return properties;
    }

    /// <summary>The message already restored with the same content, or the one <paramref name="create"/> makes.</summary>
    public ApplicationMessage Message(StoredMessage stored, Func<StoredMessage, RestoredMessageCache, ApplicationMessage> create)
    {
        if (!_messages.TryGetValue(stored, out var message))
        {
            BoundSize(_messages);
            _messages[stored] = message = create(stored, this);
        }

        return message;
    }

    private static void BoundSize<TKey, TValue>(Dictionary<TKey, TValue> table)
        where TKey : notnull
    {
        if (table.Count >= MaxEntries)
        {
            table.Clear();
        }
    }

    /// <summary>Equal when every field a delivery sends is equal; payloads and properties by content.</summary>
    private sealed class StoredMessageContentComparer : IEqualityComparer<StoredMessage>
    {
        public static StoredMessageContentComparer Instance { get; } = new();

        public bool Equals(StoredMessage? x, StoredMessage? y) =>
            ReferenceEquals(x, y)
            || (x is not null && y is not null
                && x.QoS == y.QoS && x.Retain == y.Retain && x.ExpiresAt == y.ExpiresAt
                && string.Equals(x.Topic, y.Topic, StringComparison.Ordinal)
                && string.Equals(x.PublisherClientId, y.PublisherClientId, StringComparison.Ordinal)
                && x.Payload.Span.SequenceEqual(y.Payload.Span)
                && x.Properties.Span.SequenceEqual(y.Properties.Span));

        public int GetHashCode(StoredMessage obj)
        {
            var hash = default(HashCode);
            hash.Add(obj.Topic, StringComparer.Ordinal);
            hash.AddBytes(obj.Payload.Span);
            hash.Add(obj.ExpiresAt);
            return hash.ToHashCode();
        }
    }
}
