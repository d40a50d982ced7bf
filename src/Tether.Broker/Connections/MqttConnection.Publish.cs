using System.Buffers;
using System.Text;
using Tether.Broker.Persistence;
using Tether.Protocol;

namespace Tether.Broker;

/// <summary>Incoming PUBLISH: topic aliases, limits, QoS 1/2 acknowledgement and routing.</summary>
internal sealed partial class MqttConnection
{
    private readonly RecentTopics _recentTopics = new();
    private (string Topic, byte[] Utf8)[]? _incomingAliases;

    private void HandlePublish(PublishPacket publish)
    {
        var options = _broker.Options;
        _broker.Statistics.CountPublishReceived();
        if ((byte)publish.QoS > options.MaxQoS)
        {
            Violation(ReasonCode.QoSNotSupported, $"PUBLISH with QoS {(int)publish.QoS} above max_qos {options.MaxQoS}"); // [MQTT-3.2.2-11]
            return;
        }

        if (publish.Retain && !options.RetainAvailable)
        {
            Violation(ReasonCode.RetainNotSupported, "retained PUBLISH while retain_available is false"); // [MQTT-3.2.2-14]
            return;
        }

        if (publish.Properties.SubscriptionIdentifiers.Count > 0)
        {
            Violation(ReasonCode.ProtocolError, "PUBLISH from a client with a subscription identifier"); // [MQTT-3.3.4-6]
            return;
        }

        if (!TryResolveTopic(publish, out var topic, out var topicUtf8))
        {
            return;
        }

        var session = Session!;
        MqttBroker.TakeSubmittedChange();
        if (publish.QoS == QualityOfService.ExactlyOnce)
        {
            lock (session.Gate)
            {
                if (session.IncomingQoS2.Contains(publish.PacketId))
                {
                    // A resend of a message already routed: acknowledge again, deliver nothing [MQTT-4.3.3-10 ff.].
                    EnqueueAckAfterCommit(PacketType.PubRec, publish.PacketId, ReasonCode.Success);
                    return;
                }

                // Only 5.0 announces a receive maximum; a 3.1.1 client cannot know one, so there the packet
                // identifiers themselves are the bound, as in Mosquitto.
                if (IsV5 && session.IncomingQoS2Count >= ReceiveMaximumForClient)
                {
                    Violation(ReasonCode.ReceiveMaximumExceeded, "more unacknowledged QoS 2 messages than the receive maximum"); // [MQTT-3.3.4-9]
                    return;
                }

                session.IncomingQoS2.Add(publish.PacketId);
                if (session.IsStored)
                {
                    _broker.SubmitChange(new IncomingQoS2Added(session.ClientId, publish.PacketId));
                }
            }
        }

        var acknowledgement = ReasonCode.Success;
        if (options.MessageSizeLimit > 0 && publish.Payload.Length > options.MessageSizeLimit)
        {
            // Mosquitto's message_size_limit: the message is dropped but the flow completes, so the client moves on.
            acknowledgement = ReasonCode.ImplementationSpecificError;
            BrokerLog.MessageTooLarge(_broker.Logger, DisplayName, publish.Payload.Length, options.MessageSizeLimit);
        }
        else if (topic.StartsWith("$SYS", StringComparison.Ordinal) || !_broker.IsPublishAllowed(this, topic))
        {
            acknowledgement = ReasonCode.NotAuthorized;
        }
        else
        {
            var now = _broker.Time.GetUtcNow();
            // The payload is copied once into a pooled buffer; this connection holds the first reference until
            // routing has handed the message to its receivers, who take their own (see ApplicationMessage).
            var message = _broker.MessagePool.Rent(
                topic,
                topicUtf8,
                publish.Payload,
                publish.QoS,
                publish.Retain,
                IsV5 ? ForwardedProperties(publish.Properties) : null,
                ExpiresAt(publish.Properties.MessageExpiryInterval, now),
                ClientId);
            int matched;
            try
            {
                matched = _broker.Publish(message);
            }
            finally
            {
                message.Release();
            }

            if (matched == 0)
            {
                acknowledgement = ReasonCode.NoMatchingSubscribers;
            }
        }

        switch (publish.QoS)
        {
            case QualityOfService.AtLeastOnce:
                EnqueueAckAfterCommit(PacketType.PubAck, publish.PacketId, IsV5 ? acknowledgement : ReasonCode.Success);
                break;
            case QualityOfService.ExactlyOnce:
                if (acknowledgement.IsError())
                {
                    // 5.0 §4.3.3: a PUBREC with an error ends the flow; the id is free again.
                    ReleaseIncomingQoS2(session, publish.PacketId);
                }

                EnqueueAckAfterCommit(PacketType.PubRec, publish.PacketId, IsV5 ? acknowledgement : ReasonCode.Success);

                break;
        }
    }

    /// <summary>
    /// When a message with this 5.0 message expiry interval expires. An interval of 0 is stored as "never", as
    /// Mosquitto does (db__message_store); taken literally it would expire every copy before it could be sent.
    /// </summary>
    internal static DateTimeOffset? ExpiresAt(uint? expiryIntervalSeconds, DateTimeOffset now) =>
        expiryIntervalSeconds is { } seconds and > 0 ? now.AddSeconds(seconds) : null;

    private int ReceiveMaximumForClient => _broker.Options.MaxInflightMessages is > 0 and < ushort.MaxValue
        ? _broker.Options.MaxInflightMessages
        : ushort.MaxValue;

    /// <summary>
    /// The topic of a PUBLISH, resolving 5.0 topic aliases (§3.3.2.3.4): a topic with an alias (re)defines it,
    /// an empty topic uses it. Aliases above the announced maximum are a protocol error [MQTT-3.3.2-9].
    /// </summary>
    private bool TryResolveTopic(PublishPacket publish, out string topic, out byte[] topicUtf8)
    {
        topic = string.Empty;
        topicUtf8 = [];
        var alias = publish.Properties.TopicAlias;
        if (alias is null)
        {
            (topic, topicUtf8) = _recentTopics.Get(publish.Topic.Span);
            return true;
        }

        var maximum = _broker.Options.MaxTopicAlias;
        if (alias.Value > maximum)
        {
            Violation(ReasonCode.TopicAliasInvalid, $"topic alias {alias.Value} above the maximum {maximum}");
            return false;
        }

        _incomingAliases ??= new (string, byte[])[maximum + 1];
        if (!publish.Topic.IsEmpty)
        {
            (topic, topicUtf8) = _recentTopics.Get(publish.Topic.Span);
            _incomingAliases[alias.Value] = (topic, topicUtf8);
            return true;
        }

        var known = _incomingAliases[alias.Value];
        if (known.Utf8 is null)
        {
            Violation(ReasonCode.ProtocolError, $"topic alias {alias.Value} used before it was defined");
            return false;
        }

        (topic, topicUtf8) = known;
        return true;
    }
}
