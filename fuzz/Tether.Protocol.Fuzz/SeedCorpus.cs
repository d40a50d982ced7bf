using System.Buffers;

namespace Tether.Protocol.Fuzz;

/// <summary>Valid packets of every type, in each version, as starting points for the fuzzer's mutations.</summary>
internal static class SeedCorpus
{
    public static void Write(string directory)
    {
        Directory.CreateDirectory(directory);
        foreach (var version in (ProtocolVersion[])[ProtocolVersion.V310, ProtocolVersion.V311, ProtocolVersion.V500])
        {
            var index = 0;
            foreach (var packet in Packets(version))
            {
                var output = new ArrayBufferWriter<byte>();
                if (packet is not ConnectPacket)
                {
                    // Prefix a CONNECT so that the reader that starts at "unknown" switches to this version first.
                    MqttPacketWriter.Write(output, new ConnectPacket { ProtocolVersion = version, ClientId = "c" }, version);
                }

                MqttPacketWriter.Write(output, packet, version);
                File.WriteAllBytes(Path.Combine(directory, $"{version}-{index++:D2}-{packet.Type}.bin"), output.WrittenSpan.ToArray());
            }
        }
    }

    private static IEnumerable<MqttPacket> Packets(ProtocolVersion version)
    {
        var v5 = version == ProtocolVersion.V500;
        var connect = new ConnectPacket
        {
            ProtocolVersion = version,
            ClientId = "client-1",
            KeepAliveSeconds = 60,
            UserName = "user",
            Password = "secret"u8.ToArray(),
            Will = new WillMessage { Topic = "will/topic", Payload = "gone"u8.ToArray(), QoS = QualityOfService.AtLeastOnce, Retain = true },
        };
        if (v5)
        {
            connect.Properties.SessionExpiryInterval = 3600;
            connect.Properties.ReceiveMaximum = 20;
            connect.Properties.AuthenticationMethod = "SCRAM-SHA-1";
            connect.Properties.AuthenticationData = "data"u8.ToArray();
            connect.Will.Properties.WillDelayInterval = 5;
            connect.Will.Properties.ContentType = "text/plain";
        }

        yield return connect;

        var connAck = new ConnAckPacket { SessionPresent = true };
        if (v5)
        {
            connAck.Properties.AssignedClientIdentifier = "auto-1";
            connAck.Properties.MaximumQoS = 1;
            connAck.Properties.TopicAliasMaximum = 10;
        }

        yield return connAck;

        foreach (var qos in (QualityOfService[])[QualityOfService.AtMostOnce, QualityOfService.AtLeastOnce, QualityOfService.ExactlyOnce])
        {
            var publish = new PublishPacket
            {
                QoS = qos,
                PacketId = qos == QualityOfService.AtMostOnce ? (ushort)0 : (ushort)10,
                Topic = "sensors/room1/temperature",
                Payload = new ReadOnlySequence<byte>("21.5"u8.ToArray()),
            };
            if (v5)
            {
                publish.Properties.MessageExpiryInterval = 30;
                publish.Properties.CorrelationData = "id"u8.ToArray();
                publish.Properties.UserProperties.Add(new UserProperty("k", "v"));
                publish.Properties.SubscriptionIdentifiers.Add(300);
                publish.Properties.TopicAlias = 1;
            }

            yield return publish;
        }

        foreach (var type in (PacketType[])[PacketType.PubAck, PacketType.PubRec, PacketType.PubRel, PacketType.PubComp])
        {
            var ack = new AckPacket(type) { PacketId = 10 };
            if (v5)
            {
                ack.ReasonCode = type is PacketType.PubRel or PacketType.PubComp ? ReasonCode.PacketIdentifierNotFound : ReasonCode.QuotaExceeded;
                ack.Properties.ReasonString = "why";
            }

            yield return ack;
        }

        var subscribe = new SubscribePacket { PacketId = 11 };
        subscribe.Subscriptions.Add(new TopicSubscription("sensors/+/temperature", QualityOfService.AtLeastOnce));
        subscribe.Subscriptions.Add(new TopicSubscription("$share/g/alerts/#", QualityOfService.ExactlyOnce, RetainAsPublished: v5));
        if (v5)
        {
            subscribe.Properties.SubscriptionIdentifiers.Add(7);
        }

        yield return subscribe;

        var subAck = new SubAckPacket { PacketId = 11 };
        subAck.ReasonCodes.AddRange([ReasonCode.GrantedQoS1, ReasonCode.UnspecifiedError]);
        yield return subAck;

        var unsubscribe = new UnsubscribePacket { PacketId = 12 };
        unsubscribe.Filters.AddRange(["sensors/+/temperature", "#"]);
        yield return unsubscribe;

        var unsubAck = new UnsubAckPacket { PacketId = 12 };
        if (v5)
        {
            unsubAck.ReasonCodes.AddRange([ReasonCode.Success, ReasonCode.NoSubscriptionExisted]);
        }

        yield return unsubAck;
        yield return PingReqPacket.Instance;
        yield return PingRespPacket.Instance;

        var disconnect = new DisconnectPacket();
        if (v5)
        {
            disconnect.ReasonCode = ReasonCode.DisconnectWithWillMessage;
            disconnect.Properties.SessionExpiryInterval = 0;
        }

        yield return disconnect;

        if (v5)
        {
            var auth = new AuthPacket { ReasonCode = ReasonCode.ContinueAuthentication };
            auth.Properties.AuthenticationMethod = "SCRAM-SHA-1";
            auth.Properties.AuthenticationData = "challenge"u8.ToArray();
            yield return auth;
        }
    }
}
