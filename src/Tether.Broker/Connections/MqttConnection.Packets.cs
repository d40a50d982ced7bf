using Tether.Protocol;

namespace Tether.Broker;

/// <summary>Dispatch of received packets by connection state.</summary>
internal sealed partial class MqttConnection
{
    private void HandlePacket(MqttPacket packet)
    {
        if (_state == ConnectionState.AwaitingConnect)
        {
            if (packet is ConnectPacket connect)
            {
                HandleConnect(connect);
                return;
            }

            // [MQTT-3.1.0-1]: the first packet must be CONNECT; close without answering.
            RequestClose(DisconnectReason.ProtocolError, null, $"first packet was {packet.Type}, not CONNECT");
            return;
        }

        if (DebugEnabled)
        {
            LogReceived(packet);
        }

        switch (packet)
        {
            case PublishPacket publish:
                HandlePublish(publish);
                break;
            case AckPacket ack:
                HandleAck(ack);
                break;
            case SubscribePacket subscribe:
                HandleSubscribe(subscribe);
                break;
            case UnsubscribePacket unsubscribe:
                HandleUnsubscribe(unsubscribe);
                break;
            case PingReqPacket:
                EnqueuePacket(PingRespPacket.Instance);
                break;
            case DisconnectPacket disconnect:
                HandleDisconnect(disconnect);
                break;
            case ConnectPacket:
                Violation(ReasonCode.ProtocolError, "second CONNECT on one connection"); // [MQTT-3.1.0-2]
                break;
            case AuthPacket:
                // No enhanced authentication was negotiated in CONNECT, so AUTH is not expected [MQTT-4.12.0-1].
                Violation(ReasonCode.ProtocolError, "AUTH without an authentication method in CONNECT");
                break;
            default:
                Violation(ReasonCode.ProtocolError, $"{packet.Type} is only sent by a server");
                break;
        }
    }

    private void HandleAck(AckPacket ack)
    {
        var session = Session!;
        switch (ack.Type)
        {
            case PacketType.PubAck:
            case PacketType.PubComp:
                session.Complete(ack.PacketId, ack.Type);
                break;
            case PacketType.PubRec:
                if (!session.Receive(ack.PacketId, ack.ReasonCode))
                {
                    // Unknown id: still answer so the client can finish its flow (5.0: "packet identifier not found").
                    EnqueueAck(PacketType.PubRel, ack.PacketId, IsV5 ? ReasonCode.PacketIdentifierNotFound : ReasonCode.Success);
                }

                break;
            case PacketType.PubRel:
                MqttBroker.TakeSubmittedChange();
                var known = ReleaseIncomingQoS2(session, ack.PacketId);
                EnqueueAckAfterCommit(PacketType.PubComp, ack.PacketId, known || !IsV5 ? ReasonCode.Success : ReasonCode.PacketIdentifierNotFound);
                break;
        }
    }

    private void HandleDisconnect(DisconnectPacket disconnect)
    {
        if (IsV5 && disconnect.Properties.SessionExpiryInterval is { } expiry && Session is { } session)
        {
            // [MQTT-3.14.2-2]: a session that was to end with the connection cannot be extended at DISCONNECT.
            if (session.ExpiryIntervalSeconds == 0 && expiry != 0)
            {
                Violation(ReasonCode.ProtocolError, "DISCONNECT sets a session expiry after CONNECT set 0");
                return;
            }

            lock (session.Gate)
            {
                session.ExpiryIntervalSeconds = expiry;
            }
        }

        var reason = disconnect.ReasonCode switch
        {
            ReasonCode.Success => DisconnectReason.ClientDisconnect,
            ReasonCode.DisconnectWithWillMessage => DisconnectReason.ClientDisconnectWithWill,
            _ => DisconnectReason.ClientDisconnectWithError,
        };
        if (reason == DisconnectReason.ClientDisconnect)
        {
            // [MQTT-3.14.4-3]: a normal DISCONNECT discards the will.
            _will = null;
        }

        RequestClose(reason, null, disconnect.ReasonCode == ReasonCode.Success ? string.Empty : $"reason 0x{(byte)disconnect.ReasonCode:X2} {disconnect.ReasonCode}");
    }
}
