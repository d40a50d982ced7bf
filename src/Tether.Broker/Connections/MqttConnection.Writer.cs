using System.Buffers;
using System.IO.Pipelines;
using Tether.Protocol;

namespace Tether.Broker;

/// <summary>
/// The outbound side: what can be queued, and per-receiver encoding for the PUBLISH packets that cannot share their
/// message's encoding (the shared path is in MqttConnection.SharedPublish.cs, the drain in MqttConnection.Drain.cs).
/// </summary>
internal sealed partial class MqttConnection
{
    // Reused by the drain (one at a time), so encoding allocates nothing per packet.
    private readonly PublishPacket _outgoingPublish = new();
    private readonly AckPacket _outgoingPubAck = new(PacketType.PubAck);
    private readonly AckPacket _outgoingPubRec = new(PacketType.PubRec);
    private readonly AckPacket _outgoingPubRel = new(PacketType.PubRel);
    private readonly AckPacket _outgoingPubComp = new(PacketType.PubComp);
    private Dictionary<string, ushort>? _outgoingAliases;

    /// <summary>Whether the writer logs what it sends (debug); read once per batch, by the writer only.</summary>
    private bool _logSends;

    /// <summary>The client's 5.0 maximum packet size; larger packets are not sent to it [MQTT-3.1.2-24].</summary>
    private uint _clientMaximumPacketSize = uint.MaxValue;

    /// <summary>The client's 5.0 topic alias maximum: how many aliases the broker may set up towards it.</summary>
    private ushort _clientTopicAliasMaximum;

    /// <summary>
    /// Queues a PUBLISH. QoS 0 messages beyond the queue limit are dropped and counted (slow consumer). The queued
    /// item holds a reference to <paramref name="message"/>, released by the writer once the item is encoded or
    /// dropped (see <see cref="ApplicationMessage"/>); the caller keeps its own.
    /// </summary>
    public void EnqueuePublish(ApplicationMessage message, ushort packetId, QualityOfService qos, bool retain, bool dup, uint[]? subscriptionIdentifiers)
    {
        if (qos == QualityOfService.AtMostOnce)
        {
            var limit = _broker.Options.MaxQueuedMessages;
            if (Interlocked.Increment(ref _queuedQoS0) > limit && limit > 0)
            {
                Interlocked.Decrement(ref _queuedQoS0);
                _broker.Statistics.CountDropped();
                return;
            }
        }

        message.AddRef();
        if (!Enqueue(OutboundItem.ForPublish(message, packetId, qos, retain, dup, subscriptionIdentifiers)))
        {
            // The connection is closing: the queue is completed and nobody will write this item.
            message.Release();
            if (qos == QualityOfService.AtMostOnce)
            {
                Interlocked.Decrement(ref _queuedQoS0);
            }
        }
    }

    public void EnqueueAck(PacketType type, ushort packetId, ReasonCode reasonCode) =>
        Enqueue(OutboundItem.ForAck(type, packetId, reasonCode));

    public void EnqueuePacket(MqttPacket packet) => Enqueue(OutboundItem.ForPacket(packet));

    /// <summary>Encodes one item; returns the bytes written (0 when the item was dropped).</summary>
    private int WriteItem(PipeWriter output, in OutboundItem item)
    {
        if (_logSends && item.Kind != OutboundKind.Publish)
        {
            LogSending(item);
        }

        switch (item.Kind)
        {
            case OutboundKind.Publish:
                if (item.QoS == QualityOfService.AtMostOnce)
                {
                    Interlocked.Decrement(ref _queuedQoS0);
                }

                return WritePublish(output, item);
            case OutboundKind.Ack:
                var ack = item.AckType switch
                {
                    PacketType.PubAck => _outgoingPubAck,
                    PacketType.PubRec => _outgoingPubRec,
                    PacketType.PubRel => _outgoingPubRel,
                    _ => _outgoingPubComp,
                };
                ack.PacketId = item.PacketId;
                ack.ReasonCode = item.ReasonCode;
                return MqttPacketWriter.WriteAck(output, ack, ProtocolVersion);
            default:
                return MqttPacketWriter.Write(output, item.Packet!, ProtocolVersion);
        }
    }

    private int WritePublish(PipeWriter output, in OutboundItem item)
    {
        var message = item.Message!;
        var now = _broker.Time.GetUtcNow();
        if (message.IsExpired(now))
        {
            // 5.0 §3.3.2.3.3: an expired message is not delivered; its in-flight slot is given back.
            Session?.Discard(item.PacketId);
            return 0;
        }

        if (SharesEncoding(item))
        {
            return WriteSharedPublish(output, item, message, now);
        }

        _broker.MessagePool.Encodings.CountUnshared();
        var publish = _outgoingPublish;
        publish.Reset();
        publish.QoS = item.QoS;
        publish.Retain = item.Retain;
        publish.Dup = item.Dup;
        publish.PacketId = item.PacketId;
        publish.Topic = new Utf8Text(message.TopicUtf8);
        publish.Payload = new ReadOnlySequence<byte>(message.Payload);
        if (IsV5)
        {
            FillOutgoingProperties(publish, message, item, now);
        }

        if (_clientMaximumPacketSize != uint.MaxValue
            && (uint)MqttPacketWriter.GetSize(publish, ProtocolVersion) > _clientMaximumPacketSize)
        {
            // [MQTT-3.1.2-25]: too large for the client; discard as if sent.
            if (publish.Properties.TopicAlias is not null && !publish.Topic.IsEmpty)
            {
                // This PUBLISH was to define the alias, and the client will never see it: forget the mapping (the
                // entry just added, so the numbering stays dense), or the next PUBLISH of the topic would carry
                // only an alias the client cannot resolve (§3.3.2.3.4).
                _outgoingAliases!.Remove(message.Topic);
            }

            Session?.Discard(item.PacketId);
            _broker.Statistics.CountDropped();
            return 0;
        }

        if (_logSends)
        {
            LogSendingPublish(item, message);
        }

        return MqttPacketWriter.WritePublish(output, publish, ProtocolVersion);
    }

    private void FillOutgoingProperties(PublishPacket publish, ApplicationMessage message, in OutboundItem item, DateTimeOffset now)
    {
        var target = publish.Properties;
        message.CopyForwardedPropertiesTo(target);

        // [MQTT-3.3.2-6]: the forwarded expiry interval is what remains of it.
        target.MessageExpiryInterval = message.RemainingExpirySeconds(now);
        if (item.SubscriptionIdentifiers is { } identifiers)
        {
            target.SubscriptionIdentifiers.AddRange(identifiers);
        }

        if (_clientTopicAliasMaximum > 0)
        {
            ApplyOutgoingAlias(publish, message);
        }
    }

    /// <summary>
    /// Topic aliases towards the client (5.0 §3.3.2.3.4): the first PUBLISH of a topic carries topic and alias,
    /// later ones only the alias. Aliases are handed out until the client's maximum; further topics go in full.
    /// </summary>
    private void ApplyOutgoingAlias(PublishPacket publish, ApplicationMessage message)
    {
        _outgoingAliases ??= new Dictionary<string, ushort>(StringComparer.Ordinal);
        if (_outgoingAliases.TryGetValue(message.Topic, out var alias))
        {
            publish.Topic = Utf8Text.Empty;
            publish.Properties.TopicAlias = alias;
            return;
        }

        if (_outgoingAliases.Count < _clientTopicAliasMaximum)
        {
            alias = (ushort)(_outgoingAliases.Count + 1);
            _outgoingAliases.Add(message.Topic, alias);
            publish.Properties.TopicAlias = alias;
        }
    }
}
