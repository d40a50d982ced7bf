using System.IO.Pipelines;
using Tether.Protocol;

namespace Tether.Broker;

/// <summary>
/// The shared PUBLISH path (DESIGN.md, data flow): a receiver that needs nothing of its own in the packet writes only
/// its fixed header and packet identifier around the message's cached encoding for its protocol family. Everything
/// else (subscription identifiers, topic aliases) goes through the per-receiver path in MqttConnection.Writer.cs.
/// </summary>
internal sealed partial class MqttConnection
{
    /// <summary>
    /// Whether this receiver's PUBLISH of <paramref name="item"/> is its family's shared encoding: always before 5.0;
    /// for 5.0 when it carries no subscription identifier and the client takes no topic aliases (an alias, set up
    /// or used, changes topic and properties per receiver). The expiry interval is filled in per write.
    /// </summary>
    private bool SharesEncoding(in OutboundItem item) =>
        !IsV5 || (item.SubscriptionIdentifiers is null or { Length: 0 } && _clientTopicAliasMaximum == 0);

    private int WriteSharedPublish(PipeWriter output, in OutboundItem item, ApplicationMessage message, DateTimeOffset now)
    {
        var encoded = message.GetEncoding(PublishEncodingFamilies.Of(ProtocolVersion));
        if (_clientMaximumPacketSize != uint.MaxValue
            && encoded.GetPacketSize(item.QoS, message.Payload.Length) > _clientMaximumPacketSize)
        {
            // [MQTT-3.1.2-25]: too large for the client; discard as if sent.
            Session?.Discard(item.PacketId);
            _broker.Statistics.CountDropped();
            return 0;
        }

        if (_logSends)
        {
            LogSendingPublish(item, message);
        }

        // [MQTT-3.3.2-6]: the forwarded expiry interval is what remains of it (ignored when the message has none).
        var remainingExpiry = message.RemainingExpirySeconds(now) ?? 0;
        return encoded.WriteTo(output, item.QoS, item.Dup, item.Retain, item.PacketId, remainingExpiry, message.Payload.Span);
    }

    private void LogSendingPublish(in OutboundItem item, ApplicationMessage message) =>
        PacketLog.SendingPublish(_broker.Logger, DisplayName, MosquittoPacketText.PublishDetails(item.Dup, item.QoS, item.Retain, item.PacketId, message.Topic, message.Payload.Length));
}
