using System.Buffers;
using Tether.Protocol;

namespace Tether.Broker;

/// <summary>
/// The receiver-independent part of a message's PUBLISH for one <see cref="PublishEncodingFamily"/>: the topic name
/// field and, for 5.0, the forwarded property list. Built once per message and family and then copied into every
/// receiver's output between that receiver's fixed header, packet identifier and the message's (already shared)
/// payload; the remaining message expiry interval is filled in per write.
/// </summary>
/// <remarks>
/// Ownership follows the message's: a pooled message caches its encodings (see <c>ApplicationMessage.Encoding.cs</c>)
/// and gives them back to <see cref="EncodedPublishPool"/> with its last reference, so nobody reads one after that. An
/// instance keeps its buffer across uses (up to <see cref="KeptBufferLimit"/> bytes), as messages keep theirs.
/// </remarks>
internal sealed class EncodedPublish
{
    /// <summary>The largest buffer kept for the next use; topic and properties are small in the common case.</summary>
    internal const int KeptBufferLimit = 1024;

    // The properties as the receiver's per-packet path would fill them; reused, so building allocates nothing.
    private readonly MqttProperties _scratch = new();
    private byte[] _buffer = [];
    private PublishSharedLayout _layout;

    /// <summary>Which family these bytes are for.</summary>
    public PublishEncodingFamily Family { get; private set; }

    /// <summary>The shared bytes; valid until the instance goes back to its pool.</summary>
    public ReadOnlySpan<byte> Bytes => _buffer.AsSpan(0, _layout.Length);

    public PublishSharedLayout Layout => _layout;

    /// <summary>Whether the instance holds an encoding (false once returned to its pool); the topic field alone is 2 bytes.</summary>
    public bool IsBuilt => _layout.Length > 0;

    /// <summary>Encodes <paramref name="message"/>'s shared part for <paramref name="family"/>.</summary>
    public void Build(ApplicationMessage message, PublishEncodingFamily family)
    {
        Family = family;
        var version = family.Version();
        MqttProperties? properties = null;
        if (family == PublishEncodingFamily.V5)
        {
            properties = _scratch;
            properties.Clear();
            message.CopyForwardedPropertiesTo(properties);
            // Its presence is fixed per message; its value is each receiver's remaining time, written per packet.
            properties.MessageExpiryInterval = message.ExpiresAt is null ? null : 0u;
        }

        var topic = new Utf8Text(message.TopicUtf8);
        var size = MqttPacketWriter.GetPublishSharedSize(topic, properties, version, out var propertiesContentSize);
        if (_buffer.Length < size)
        {
            ReturnBuffer();
            _buffer = size <= KeptBufferLimit ? new byte[Math.Max(size, 64)] : ArrayPool<byte>.Shared.Rent(size);
        }

        _layout = MqttPacketWriter.WritePublishShared(_buffer, topic, properties, version, propertiesContentSize);
        properties?.Clear();
    }

    /// <summary>The full size of one receiver's PUBLISH, for the maximum packet size check [MQTT-3.1.2-24].</summary>
    public long GetPacketSize(QualityOfService qos, int payloadLength) =>
        MqttPacketWriter.GetPublishSize(_layout.Length, qos, payloadLength);

    /// <summary>Writes one receiver's PUBLISH; <paramref name="remainingExpiry"/> is used when the message has an expiry.</summary>
    public int WriteTo(IBufferWriter<byte> output, QualityOfService qos, bool dup, bool retain, ushort packetId, uint remainingExpiry, ReadOnlySpan<byte> payload)
    {
#if DEBUG
        if (!IsBuilt)
        {
            throw new InvalidOperationException("A shared encoding was written after it went back to its pool.");
        }
#endif
        return MqttPacketWriter.WritePublish(output, Bytes, _layout, qos, dup, retain, packetId, remainingExpiry, payload);
    }

    /// <summary>Forgets the encoding before the instance is reused; a large buffer goes back to the array pool.</summary>
    internal void Reset()
    {
        _layout = default;
        if (_buffer.Length > KeptBufferLimit)
        {
            ReturnBuffer();
        }
    }

    private void ReturnBuffer()
    {
        var buffer = _buffer;
        _buffer = [];
        if (buffer.Length > KeptBufferLimit)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
