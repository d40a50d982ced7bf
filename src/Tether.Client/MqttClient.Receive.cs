using System.Buffers;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Authentication;
using Tether.Protocol;

namespace Tether.Client;

public sealed partial class MqttClient
{
    private async Task ReceiveLoopAsync(Connection connection)
    {
        var input = connection.Transport.Input;
        var token = connection.Stopping.Token;
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(token).ConfigureAwait(false);
                var buffer = result.Buffer;
                while (true)
                {
                    var status = connection.Reader.TryRead(ref buffer, out var packet, out var error);
                    if (status == ReadStatus.NeedMoreData)
                    {
                        break;
                    }

                    if (status == ReadStatus.Error)
                    {
                        input.AdvanceTo(buffer.Start);
                        await CloseAsync(connection, new MqttDisconnectedEventArgs(MqttDisconnectKind.ProtocolError, "invalid packet from the server: " + error, error.Code)).ConfigureAwait(false);
                        return;
                    }

                    // PUBLISH and acknowledgements borrow the pipe's memory: handle them before advancing it.
                    Trace(MqttPacketDirection.Received, packet!);
                    var closing = await HandlePacketAsync(connection, packet!, token).ConfigureAwait(false);
                    if (closing is not null)
                    {
                        input.AdvanceTo(buffer.Start);
                        await CloseAsync(connection, closing).ConfigureAwait(false);
                        return;
                    }
                }

                input.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    await CloseAsync(connection, connection.Transport.CloseFrameDetail is { } detail
                        ? new MqttDisconnectedEventArgs(MqttDisconnectKind.WebSocketClosed, "the server closed the WebSocket: " + detail)
                        : new MqttDisconnectedEventArgs(MqttDisconnectKind.SocketClosed, "the server closed the connection without DISCONNECT")).ConfigureAwait(false);
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // The connection is being closed by someone else, who reports why.
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            await CloseAsync(connection, Classify(e, connecting: false)).ConfigureAwait(false);
        }
    }

    /// <summary>Handles one packet from the server; returns a reason when the connection must end.</summary>
    private async ValueTask<MqttDisconnectedEventArgs?> HandlePacketAsync(Connection connection, MqttPacket packet, CancellationToken cancellationToken)
    {
        switch (packet)
        {
            case PublishPacket publish:
                await HandlePublishAsync(connection, publish, cancellationToken).ConfigureAwait(false);
                return null;
            case AckPacket ack:
                HandleAck(connection, ack);
                return null;
            case SubAckPacket subAck:
                CompleteRequest(subAck.PacketId, subAck);
                return null;
            case UnsubAckPacket unsubAck:
                CompleteRequest(unsubAck.PacketId, unsubAck);
                return null;
            case PingRespPacket:
                connection.PingOutstanding = false;
                return null;
            case DisconnectPacket disconnect:
                var reasonString = disconnect.Properties.ReasonString is { } text ? " (" + text + ")" : string.Empty;
                return new MqttDisconnectedEventArgs(
                    MqttDisconnectKind.ServerDisconnect,
                    $"the server sent DISCONNECT: {MqttReasonText.Describe(disconnect.ReasonCode)} (0x{(byte)disconnect.ReasonCode:X2}){reasonString}",
                    disconnect.ReasonCode);
            default:
                // CONNACK twice, CONNECT, SUBSCRIBE, PINGREQ, AUTH (no enhanced authentication was asked for) [MQTT-4.8.0-1].
                return new MqttDisconnectedEventArgs(MqttDisconnectKind.ProtocolError, $"unexpected {packet.Type} from the server", ReasonCode.ProtocolError);
        }
    }

    private async ValueTask HandlePublishAsync(Connection connection, PublishPacket publish, CancellationToken cancellationToken)
    {
        var id = publish.PacketId;
        var deliver = true;
        if (publish.QoS == QualityOfService.ExactlyOnce)
        {
            lock (_gate)
            {
                // Method B of MQTT 5.0 §4.3.3: the id is remembered until PUBREL, so a resent PUBLISH is not delivered twice.
                deliver = _incomingExactlyOnce.Add(id);
            }

            if (!deliver)
            {
                ClientLog.DuplicateDropped(_logger, id);
            }
        }

        // From the moment the consumer can see the message until its acknowledgement is queued, a DISCONNECT the
        // consumer sends in reaction to it must wait (see DisconnectAsync), or it could overtake the acknowledgement.
        var acknowledged = publish.QoS != QualityOfService.AtMostOnce;
        if (acknowledged)
        {
            Interlocked.Increment(ref _acknowledgementsInProgress);
        }

        try
        {
            if (deliver)
            {
                await DeliverAsync(ToMessage(publish), cancellationToken).ConfigureAwait(false);
            }

            if (publish.QoS == QualityOfService.AtLeastOnce)
            {
                EnqueueWrite(connection, new AckPacket(PacketType.PubAck) { PacketId = id });
            }
            else if (publish.QoS == QualityOfService.ExactlyOnce)
            {
                EnqueueWrite(connection, new AckPacket(PacketType.PubRec) { PacketId = id });
            }
        }
        finally
        {
            if (acknowledged)
            {
                Interlocked.Decrement(ref _acknowledgementsInProgress);
            }
        }
    }

    private async ValueTask DeliverAsync(MqttApplicationMessage message, CancellationToken cancellationToken)
    {
        if (MessageReceivedAsync is { } handler)
        {
            try
            {
                await handler(message, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                ClientLog.HandlerFailed(_logger, e);
            }

            return;
        }

        await _received.Writer.WriteAsync(message, cancellationToken).ConfigureAwait(false);
    }

    private void HandleAck(Connection connection, AckPacket ack)
    {
        var id = ack.PacketId;
        var code = ack.ReasonCode;
        switch (ack.Type)
        {
            case PacketType.PubAck:
                FinishInflight(id, code, expectReleased: false);
                break;
            case PacketType.PubRec:
                bool known;
                lock (_gate)
                {
                    known = _inflight.TryGetValue(id, out var item) && !code.IsError();
                    if (known)
                    {
                        item!.Released = true;
                    }
                }

                if (code.IsError())
                {
                    // A PUBREC failure ends the exchange: no PUBREL follows (MQTT 5.0 §4.3.3).
                    FinishInflight(id, code, expectReleased: false);
                    break;
                }

                EnqueueWrite(connection, new AckPacket(PacketType.PubRel)
                {
                    PacketId = id,
                    ReasonCode = known ? ReasonCode.Success : ReasonCode.PacketIdentifierNotFound,
                });
                break;
            case PacketType.PubRel:
                bool found;
                lock (_gate)
                {
                    found = _incomingExactlyOnce.Remove(id);
                }

                EnqueueWrite(connection, new AckPacket(PacketType.PubComp)
                {
                    PacketId = id,
                    ReasonCode = found ? ReasonCode.Success : ReasonCode.PacketIdentifierNotFound,
                });
                break;
            case PacketType.PubComp:
                FinishInflight(id, code, expectReleased: true);
                break;
        }
    }

    private void FinishInflight(ushort id, ReasonCode code, bool expectReleased)
    {
        OutgoingPublish? item;
        lock (_gate)
        {
            if (!_inflight.TryGetValue(id, out item) || (expectReleased && !item.Released))
            {
                return;
            }

            _inflight.Remove(id);
        }

        SignalWindow();
        if (code.IsError())
        {
            item.Completion.TrySetException(new MqttPublishException(code));
        }
        else
        {
            item.Completion.TrySetResult();
        }
    }

    private void CompleteRequest(ushort id, MqttPacket answer)
    {
        TaskCompletionSource<MqttPacket>? request;
        lock (_gate)
        {
            if (_requests.Remove(id, out request))
            {
                request.TrySetResult(answer);
            }
        }
    }

    private static MqttApplicationMessage ToMessage(PublishPacket publish)
    {
        var p = publish.Properties;
        var message = new MqttApplicationMessage(publish.Topic.ToString(), publish.Payload.ToArray(), publish.QoS, publish.Retain)
        {
            Duplicate = publish.Dup,
        };
        if (p.IsEmpty)
        {
            return message;
        }

        var users = new List<KeyValuePair<string, string>>(p.UserProperties.Count);
        foreach (var user in p.UserProperties)
        {
            users.Add(new(user.Name.ToString(), user.Value.ToString()));
        }

        return message with
        {
            ContentType = p.ContentType?.ToString(),
            ResponseTopic = p.ResponseTopic?.ToString(),
            CorrelationData = p.CorrelationData?.ToArray(),
            MessageExpiry = p.MessageExpiryInterval is { } expiry ? TimeSpan.FromSeconds(expiry) : null,
            PayloadIsUtf8 = p.PayloadFormatIndicator is { } format ? format == 1 : null,
            UserProperties = users,
            SubscriptionIdentifiers = [.. p.SubscriptionIdentifiers],
        };
    }

    /// <summary>Turns a transport or protocol exception into a precise disconnect reason.</summary>
    private static MqttDisconnectedEventArgs Classify(Exception e, bool connecting)
    {
        var root = e;
        while (root is IOException or WebSocketException or AggregateException && root.InnerException is not null && root is not AuthenticationException)
        {
            if (root.InnerException is AuthenticationException or SocketException)
            {
                root = root.InnerException;
                break;
            }

            root = root.InnerException;
        }

        return root switch
        {
            MqttConnectException refused => new(MqttDisconnectKind.ConnectionRefused, refused.Message, refused.ReasonCode, refused),
            AuthenticationException tls => new(MqttDisconnectKind.TlsFailure, "TLS handshake failed: " + tls.Message, null, e),
            MqttProtocolException protocol => new(MqttDisconnectKind.ProtocolError, protocol.Message, ReasonCode.ProtocolError, e),
            TimeoutException timeout => new(MqttDisconnectKind.ConnectFailed, timeout.Message, null, e),
            SocketException { SocketErrorCode: SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown } socket when !connecting =>
                new(MqttDisconnectKind.SocketClosed, "the connection was reset: " + socket.Message, null, e),
            SocketException socket when connecting => new(MqttDisconnectKind.ConnectFailed, socket.Message, null, e),
            _ when connecting => new(MqttDisconnectKind.ConnectFailed, e.Message, null, e),
            _ => new(MqttDisconnectKind.TransportError, e.Message, null, e),
        };
    }
}
