using System.Globalization;
using Tether.Client;
using Tether.Protocol;

namespace Tether.Cli.Client;

/// <summary>
/// For <c>-d</c>: one line per packet on standard error, worded as libmosquitto's debug log that mosquitto_pub and
/// mosquitto_sub print ("Client ID sending CONNECT", "Client ID received CONNACK (0)", "Client ID sending PUBLISH (d0,
/// q1, r0, m1, 'topic', ... (5 bytes))"), so scripts and habits that read those lines keep working. Like the
/// Mosquitto tools it writes them to standard output. Differences: the client id is the one in use (mosquitto prints
/// "(null)" when -i was not given), and a QoS 0 PUBLISH shows m0 (libmosquitto counts QoS 0 messages too).
/// </summary>
/// <param name="writeLine">Writes one whole line; must be safe to call from the client's reader and writer loops at once.</param>
/// <param name="clientId">The client id to show.</param>
/// <param name="announceSubscriptions">mosquitto_sub's "Subscribed (mid: 1): 1, 1" after each SUBACK.</param>
internal sealed class PacketDebugPrinter(Action<string> writeLine, string clientId, bool announceSubscriptions)
{
    public void Observe(MqttPacketDirection direction, MqttPacket packet)
    {
        foreach (var line in Describe(direction, packet, clientId))
        {
            writeLine(line);
        }

        if (announceSubscriptions && direction == MqttPacketDirection.Received && packet is SubAckPacket subAck)
        {
            var codes = new List<string>(subAck.ReasonCodes.Count);
            foreach (var code in subAck.ReasonCodes)
            {
                codes.Add(((int)code).ToString(CultureInfo.InvariantCulture));
            }

            writeLine(string.Create(CultureInfo.InvariantCulture, $"Subscribed (mid: {subAck.PacketId}): {string.Join(", ", codes)}"));
        }
    }

    /// <summary>The debug lines for one packet: usually one, one per topic for SUBSCRIBE and UNSUBSCRIBE.</summary>
    public static IReadOnlyList<string> Describe(MqttPacketDirection direction, MqttPacket packet, string clientId)
    {
        var prefix = "Client " + clientId + (direction == MqttPacketDirection.Sent ? " sending " : " received ");
        var c = CultureInfo.InvariantCulture;
        switch (packet)
        {
            case ConnectPacket:
                return [prefix + "CONNECT"];
            case ConnAckPacket connAck:
                // 3.1.1 shows its return code, 5.0 its reason code: the byte on the wire either way.
                var code = connAck.ReasonCode == ReasonCode.Success ? 0 : (int)connAck.ReasonCode;
                return [prefix + string.Create(c, $"CONNACK ({code})")];
            case PublishPacket publish:
                return [prefix + "PUBLISH " + MosquittoPacketText.PublishDetails(publish.Dup, publish.QoS, publish.Retain, publish.PacketId, publish.Topic.ToString(), publish.Payload.Length)];
            case AckPacket ack:
                var details = direction == MqttPacketDirection.Sent
                    ? MosquittoPacketText.SentAckDetails(ack.Type, ack.PacketId, ack.ReasonCode)
                    : MosquittoPacketText.ReceivedAckDetails(ack.Type, ack.PacketId, ack.ReasonCode);
                return [prefix + MosquittoPacketText.Name(ack.Type) + " " + details];
            case SubscribePacket subscribe:
                var subscribeLines = new List<string>(subscribe.Subscriptions.Count);
                foreach (var subscription in subscribe.Subscriptions)
                {
                    // Options are the 5.0 subscription option bits other than the QoS (§3.8.3.1).
                    var options = (subscription.NoLocal ? 0x04 : 0) | (subscription.RetainAsPublished ? 0x08 : 0) | ((int)subscription.RetainHandling << 4);
                    subscribeLines.Add(prefix + string.Create(c, $"SUBSCRIBE (Mid: {subscribe.PacketId}, Topic: {subscription.Filter}, QoS: {(int)subscription.MaximumQoS}, Options: 0x{options:x2})"));
                }

                return subscribeLines;
            case UnsubscribePacket unsubscribe:
                var unsubscribeLines = new List<string>(unsubscribe.Filters.Count);
                foreach (var filter in unsubscribe.Filters)
                {
                    unsubscribeLines.Add(prefix + string.Create(c, $"UNSUBSCRIBE (Mid: {unsubscribe.PacketId}, Topic: {filter})"));
                }

                return unsubscribeLines;
            case DisconnectPacket disconnect when direction == MqttPacketDirection.Received:
                return [prefix + string.Create(c, $"DISCONNECT ({(int)disconnect.ReasonCode})")];
            default:
                return [prefix + MosquittoPacketText.Name(packet.Type)];
        }
    }
}
