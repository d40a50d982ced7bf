using Microsoft.Extensions.Logging;
using Tether.Protocol;

namespace Tether.Broker;

/// <summary>
/// Mosquitto's debug lines for this connection's packets. The handling sites call these only after checking
/// <see cref="DebugEnabled"/>, so formatting a topic or boxing a number happens only when the line is written.
/// </summary>
internal sealed partial class MqttConnection
{
    /// <summary>Whether per-packet debug lines are wanted (Mosquitto's <c>log_type debug</c>).</summary>
    private bool DebugEnabled => _broker.Logger.IsEnabled(LogLevel.Debug);

    private void LogReceived(MqttPacket packet)
    {
        var logger = _broker.Logger;
        var id = DisplayName;
        switch (packet)
        {
            case PublishPacket publish:
                PacketLog.ReceivedPublish(logger, id, MosquittoPacketText.PublishDetails(publish.Dup, publish.QoS, publish.Retain, publish.PacketId, publish.Topic.ToString(), publish.Payload.Length));
                break;
            case AckPacket ack:
                LogReceivedAck(logger, id, ack);
                break;
            case SubscribePacket:
                PacketLog.ReceivedSubscribe(logger, id);
                break;
            case UnsubscribePacket:
                PacketLog.ReceivedUnsubscribe(logger, id);
                break;
            case PingReqPacket:
                PacketLog.ReceivedPingReq(logger, id);
                break;
            case DisconnectPacket:
                PacketLog.ReceivedDisconnect(logger, id);
                break;
        }
    }

    private static void LogReceivedAck(ILogger logger, string id, AckPacket ack)
    {
        var details = MosquittoPacketText.ReceivedAckDetails(ack.Type, ack.PacketId, ack.ReasonCode);
        switch (ack.Type)
        {
            case PacketType.PubAck:
                PacketLog.ReceivedPubAck(logger, id, details);
                break;
            case PacketType.PubRec:
                PacketLog.ReceivedPubRec(logger, id, details);
                break;
            case PacketType.PubRel:
                PacketLog.ReceivedPubRel(logger, id, details);
                break;
            default:
                PacketLog.ReceivedPubComp(logger, id, details);
                break;
        }
    }

    private void LogWill(WillMessage? will)
    {
        if (will is null)
        {
            PacketLog.NoWill(_broker.Logger);
            return;
        }

        PacketLog.WillSpecified(_broker.Logger, will.Payload.Length, will.Retain ? 1 : 0, (int)will.QoS);
        PacketLog.WillTopic(_broker.Logger, will.Topic.ToString());
    }

    /// <summary>The "Sending ..." line of a packet the writer is about to write (PUBLISH has its own, with the topic).</summary>
    private void LogSending(in OutboundItem item)
    {
        var logger = _broker.Logger;
        var id = DisplayName;
        if (item.Kind == OutboundKind.Ack)
        {
            var details = MosquittoPacketText.SentAckDetails(item.AckType, item.PacketId, item.ReasonCode);
            switch (item.AckType)
            {
                case PacketType.PubAck:
                    PacketLog.SendingPubAck(logger, id, details);
                    break;
                case PacketType.PubRec:
                    PacketLog.SendingPubRec(logger, id, details);
                    break;
                case PacketType.PubRel:
                    PacketLog.SendingPubRel(logger, id, details);
                    break;
                default:
                    PacketLog.SendingPubComp(logger, id, details);
                    break;
            }

            return;
        }

        switch (item.Packet)
        {
            case ConnAckPacket connAck:
                // Mosquitto prints the code the client receives: the 3.1.1 return code, or the 5.0 reason code.
                var code = IsV5 ? (byte)connAck.ReasonCode : (byte)connAck.ReasonCode.ToConnectReturnCode();
                PacketLog.SendingConnAck(logger, id, connAck.SessionPresent ? 1 : 0, code);
                break;
            case SubAckPacket:
                PacketLog.SendingSubAck(logger, id);
                break;
            case UnsubAckPacket:
                PacketLog.SendingUnsubAck(logger, id);
                break;
            case PingRespPacket:
                PacketLog.SendingPingResp(logger, id);
                break;
            case DisconnectPacket disconnect:
                PacketLog.SendingDisconnect(logger, id, (byte)disconnect.ReasonCode);
                break;
        }
    }
}
