using System.Buffers;
using CsCheck;

namespace Tether.Protocol.Tests.Properties;

/// <summary>CsCheck generators of valid packets of every type, for each protocol version.</summary>
internal static class PacketGen
{
    /// <summary>The packet types that exist in <paramref name="version"/> (AUTH only in 5.0).</summary>
    public static IEnumerable<PacketType> TypesOf(ProtocolVersion version)
    {
        for (var type = PacketType.Connect; type <= PacketType.Auth; type++)
        {
            if (type != PacketType.Auth || version == ProtocolVersion.V500)
            {
                yield return type;
            }
        }
    }

    /// <summary>A packet of any type that exists in <paramref name="version"/>.</summary>
    public static Gen<MqttPacket> Any(ProtocolVersion version) =>
        Gen.OneOf([.. TypesOf(version).Select(type => Of(type, version))]);

    public static Gen<MqttPacket> Of(PacketType type, ProtocolVersion version) => type switch
    {
        PacketType.Connect => Connect(version),
        PacketType.ConnAck => ConnAck(version),
        PacketType.Publish => Publish(version),
        PacketType.PubAck or PacketType.PubRec or PacketType.PubRel or PacketType.PubComp => Ack(type, version),
        PacketType.Subscribe => Subscribe(version),
        PacketType.SubAck => SubAck(version),
        PacketType.Unsubscribe => Unsubscribe(version),
        PacketType.UnsubAck => UnsubAck(version),
        PacketType.PingReq => Gen.Const<MqttPacket>(PingReqPacket.Instance),
        PacketType.PingResp => Gen.Const<MqttPacket>(PingRespPacket.Instance),
        PacketType.Disconnect => Disconnect(version),
        PacketType.Auth => Auth(),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    private static bool IsV5(ProtocolVersion version) => version == ProtocolVersion.V500;

    private static Gen<Action<MqttProperties>> PropertiesOr(ProtocolVersion version, Gen<Action<MqttProperties>> v5) =>
        IsV5(version) ? v5 : MqttGen.NoProperties;

    private static readonly Gen<ushort> PacketId = Gen.UShort[1, ushort.MaxValue]; // [MQTT-2.2.1-3]

    private static readonly Gen<QualityOfService> QoS = Gen.OneOfConst(
        QualityOfService.AtMostOnce, QualityOfService.AtLeastOnce, QualityOfService.ExactlyOnce);

    private static Gen<MqttPacket> Connect(ProtocolVersion version) =>
        from clean in Gen.Bool
        from keepAlive in Gen.UShort
        from clientId in MqttGen.Text
        from hasWill in Gen.Bool
        from will in Will(version)
        from userName in MqttGen.Text.Null(0.5)
        from password in MqttGen.Binary
        from hasPassword in Gen.Bool
        from properties in PropertiesOr(version, MqttGen.ConnectProperties)
        select (MqttPacket)Build(new ConnectPacket
        {
            ProtocolVersion = version,
            CleanSession = clean,
            KeepAliveSeconds = keepAlive,
            ClientId = clientId,
            Will = hasWill ? will : null,
            UserName = userName,

            // Before 5.0 a password needs a user name [MQTT-3.1.2-22].
            Password = hasPassword && (userName is not null || IsV5(version)) ? (ReadOnlyMemory<byte>?)password : null,
        }, p => p.Properties, properties);

    private static Gen<WillMessage> Will(ProtocolVersion version) =>
        from topic in MqttGen.TopicName
        from payload in MqttGen.Binary
        from qos in QoS
        from retain in Gen.Bool
        from properties in PropertiesOr(version, MqttGen.WillProperties)
        select Build(
            new WillMessage { Topic = Utf8Text.FromString(topic), Payload = payload, QoS = qos, Retain = retain },
            w => w.Properties,
            properties);

    private static readonly ReasonCode[] V3ConnAckCodes =
    [
        ReasonCode.Success, ReasonCode.UnsupportedProtocolVersion, ReasonCode.ClientIdentifierNotValid,
        ReasonCode.BadUserNameOrPassword, ReasonCode.NotAuthorized, ReasonCode.ServerUnavailable,
    ];

    // §3.2.2.2
    private static readonly ReasonCode[] V5ConnAckCodes =
    [
        ReasonCode.Success, ReasonCode.UnspecifiedError, ReasonCode.MalformedPacket, ReasonCode.ProtocolError,
        ReasonCode.ImplementationSpecificError, ReasonCode.UnsupportedProtocolVersion, ReasonCode.ClientIdentifierNotValid,
        ReasonCode.BadUserNameOrPassword, ReasonCode.NotAuthorized, ReasonCode.ServerUnavailable, ReasonCode.ServerBusy,
        ReasonCode.Banned, ReasonCode.BadAuthenticationMethod, ReasonCode.TopicNameInvalid, ReasonCode.PacketTooLarge,
        ReasonCode.QuotaExceeded, ReasonCode.PayloadFormatInvalid, ReasonCode.RetainNotSupported, ReasonCode.QoSNotSupported,
        ReasonCode.UseAnotherServer, ReasonCode.ServerMoved, ReasonCode.ConnectionRateExceeded,
    ];

    private static Gen<MqttPacket> ConnAck(ProtocolVersion version) =>
        from sessionPresent in Gen.Bool
        from code in Gen.OneOfConst(IsV5(version) ? V5ConnAckCodes : V3ConnAckCodes)
        from properties in PropertiesOr(version, MqttGen.ConnAckProperties)
        select (MqttPacket)Build(new ConnAckPacket { SessionPresent = sessionPresent, ReasonCode = code }, p => p.Properties, properties);

    private static Gen<MqttPacket> Publish(ProtocolVersion version) =>
        from qos in QoS
        from dup in Gen.Bool
        from retain in Gen.Bool
        from packetId in PacketId
        from topic in MqttGen.TopicName
        from useAlias in Gen.Bool
        from payload in Gen.Byte.Array[0, 300]
        from properties in PropertiesOr(version, MqttGen.PublishProperties)
        select (MqttPacket)BuildPublish(qos, dup, retain, packetId, topic, useAlias, payload, properties);

    private static PublishPacket BuildPublish(
        QualityOfService qos, bool dup, bool retain, ushort packetId, string topic, bool useAlias, byte[] payload,
        Action<MqttProperties> properties)
    {
        var publish = new PublishPacket
        {
            QoS = qos,
            Dup = dup && qos != QualityOfService.AtMostOnce, // [MQTT-3.3.1-2]
            Retain = retain,
            PacketId = qos == QualityOfService.AtMostOnce ? (ushort)0 : packetId,
            Topic = Utf8Text.FromString(topic),
            Payload = new ReadOnlySequence<byte>(payload),
        };
        properties(publish.Properties);

        // 5.0 §3.3.2.1: with a topic alias the topic name may be empty.
        if (useAlias && publish.Properties.TopicAlias is not null)
        {
            publish.Topic = Utf8Text.Empty;
        }

        return publish;
    }

    // §3.4.2.1 and §3.5.2.1 (PUBACK, PUBREC); §3.6.2.1 and §3.7.2.1 (PUBREL, PUBCOMP).
    private static readonly ReasonCode[] PubAckCodes =
    [
        ReasonCode.Success, ReasonCode.NoMatchingSubscribers, ReasonCode.UnspecifiedError, ReasonCode.ImplementationSpecificError,
        ReasonCode.NotAuthorized, ReasonCode.TopicNameInvalid, ReasonCode.PacketIdentifierInUse, ReasonCode.QuotaExceeded,
        ReasonCode.PayloadFormatInvalid,
    ];

    private static readonly ReasonCode[] PubRelCodes = [ReasonCode.Success, ReasonCode.PacketIdentifierNotFound];

    private static Gen<MqttPacket> Ack(PacketType type, ProtocolVersion version) =>
        from packetId in PacketId
        from code in IsV5(version)
            ? Gen.OneOfConst(type is PacketType.PubAck or PacketType.PubRec ? PubAckCodes : PubRelCodes)
            : Gen.Const(ReasonCode.Success)
        from properties in PropertiesOr(version, MqttGen.AckProperties)
        select (MqttPacket)Build(new AckPacket(type) { PacketId = packetId, ReasonCode = code }, p => p.Properties, properties);

    private static Gen<TopicSubscription> Subscription(ProtocolVersion version) =>
        from filter in MqttGen.TopicFilter
        from qos in QoS
        from noLocal in Gen.Bool
        from retainAsPublished in Gen.Bool
        from retainHandling in Gen.OneOfConst(RetainHandling.SendAtSubscribe, RetainHandling.SendIfNewSubscription, RetainHandling.DoNotSend)
        select IsV5(version)

            // No local on a shared subscription is a protocol error [MQTT-3.8.3-4].
            ? new TopicSubscription(filter, qos, noLocal && !TopicRules.IsSharedFilter(filter), retainAsPublished, retainHandling)
            : new TopicSubscription(filter, qos);

    private static Gen<MqttPacket> Subscribe(ProtocolVersion version) =>
        from packetId in PacketId
        from subscriptions in Subscription(version).Array[1, 4]
        from properties in PropertiesOr(version, MqttGen.SubscribeProperties)
        select (MqttPacket)Build(new SubscribePacket { PacketId = packetId }, p => p.Properties, properties, p => p.Subscriptions.AddRange(subscriptions));

    // 3.1.1 §3.9.3; 5.0 §3.9.3.
    private static readonly ReasonCode[] V3SubAckCodes =
        [ReasonCode.Success, ReasonCode.GrantedQoS1, ReasonCode.GrantedQoS2, ReasonCode.UnspecifiedError];

    private static readonly ReasonCode[] V5SubAckCodes =
    [
        ReasonCode.Success, ReasonCode.GrantedQoS1, ReasonCode.GrantedQoS2, ReasonCode.UnspecifiedError,
        ReasonCode.ImplementationSpecificError, ReasonCode.NotAuthorized, ReasonCode.TopicFilterInvalid,
        ReasonCode.PacketIdentifierInUse, ReasonCode.QuotaExceeded, ReasonCode.SharedSubscriptionsNotSupported,
        ReasonCode.SubscriptionIdentifiersNotSupported, ReasonCode.WildcardSubscriptionsNotSupported,
    ];

    private static Gen<MqttPacket> SubAck(ProtocolVersion version) =>
        from packetId in PacketId
        from codes in Gen.OneOfConst(IsV5(version) ? V5SubAckCodes : V3SubAckCodes).Array[1, 5]
        from properties in PropertiesOr(version, MqttGen.AckProperties)
        select (MqttPacket)Build(new SubAckPacket { PacketId = packetId }, p => p.Properties, properties, p => p.ReasonCodes.AddRange(codes));

    private static Gen<MqttPacket> Unsubscribe(ProtocolVersion version) =>
        from packetId in PacketId
        from filters in MqttGen.TopicFilter.Array[1, 4]
        from properties in PropertiesOr(version, MqttGen.UnsubscribeProperties)
        select (MqttPacket)Build(new UnsubscribePacket { PacketId = packetId }, p => p.Properties, properties, p => p.Filters.AddRange(filters));

    // 5.0 §3.11.3.
    private static readonly ReasonCode[] UnsubAckCodes =
    [
        ReasonCode.Success, ReasonCode.NoSubscriptionExisted, ReasonCode.UnspecifiedError, ReasonCode.ImplementationSpecificError,
        ReasonCode.NotAuthorized, ReasonCode.TopicFilterInvalid, ReasonCode.PacketIdentifierInUse,
    ];

    private static Gen<MqttPacket> UnsubAck(ProtocolVersion version) =>
        from packetId in PacketId
        from codes in Gen.OneOfConst(UnsubAckCodes).Array[1, 5]
        from properties in PropertiesOr(version, MqttGen.AckProperties)
        select (MqttPacket)Build(
            new UnsubAckPacket { PacketId = packetId },
            p => p.Properties,
            properties,
            p =>
            {
                // Reason codes exist only in 5.0 (3.1.1 §3.11.3: UNSUBACK has no payload).
                if (IsV5(version))
                {
                    p.ReasonCodes.AddRange(codes);
                }
            });

    // 5.0 §3.14.2.1.
    private static readonly ReasonCode[] DisconnectCodes =
    [
        ReasonCode.Success, ReasonCode.DisconnectWithWillMessage, ReasonCode.UnspecifiedError, ReasonCode.MalformedPacket,
        ReasonCode.ProtocolError, ReasonCode.ImplementationSpecificError, ReasonCode.NotAuthorized, ReasonCode.ServerBusy,
        ReasonCode.ServerShuttingDown, ReasonCode.KeepAliveTimeout, ReasonCode.SessionTakenOver, ReasonCode.TopicFilterInvalid,
        ReasonCode.TopicNameInvalid, ReasonCode.ReceiveMaximumExceeded, ReasonCode.TopicAliasInvalid, ReasonCode.PacketTooLarge,
        ReasonCode.MessageRateTooHigh, ReasonCode.QuotaExceeded, ReasonCode.AdministrativeAction, ReasonCode.PayloadFormatInvalid,
        ReasonCode.RetainNotSupported, ReasonCode.QoSNotSupported, ReasonCode.UseAnotherServer, ReasonCode.ServerMoved,
        ReasonCode.SharedSubscriptionsNotSupported, ReasonCode.ConnectionRateExceeded, ReasonCode.MaximumConnectTime,
        ReasonCode.SubscriptionIdentifiersNotSupported, ReasonCode.WildcardSubscriptionsNotSupported,
    ];

    private static Gen<MqttPacket> Disconnect(ProtocolVersion version) =>
        from code in IsV5(version) ? Gen.OneOfConst(DisconnectCodes) : Gen.Const(ReasonCode.Success)
        from properties in PropertiesOr(version, MqttGen.DisconnectProperties)
        select (MqttPacket)Build(new DisconnectPacket { ReasonCode = code }, p => p.Properties, properties);

    private static Gen<MqttPacket> Auth() =>
        from code in Gen.OneOfConst(ReasonCode.Success, ReasonCode.ContinueAuthentication, ReasonCode.ReAuthenticate) // §3.15.2.1
        from properties in PropertiesOr(ProtocolVersion.V500, MqttGen.AuthProperties)
        select (MqttPacket)Build(new AuthPacket { ReasonCode = code }, p => p.Properties, properties);

    private static T Build<T>(T packet, Func<T, MqttProperties> propertiesOf, Action<MqttProperties> properties, Action<T>? fill = null)
    {
        properties(propertiesOf(packet));
        fill?.Invoke(packet);
        return packet;
    }
}
