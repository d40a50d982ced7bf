using System.Buffers;
using System.Text;

namespace Tether.Protocol.Tests.Support;

/// <summary>One packet of the round-trip catalogue, as it should come out of the parser for <paramref name="Version"/>.</summary>
/// <param name="Name">Unique within the version; used as the theory's display name.</param>
/// <param name="Version">The protocol version the packet is encoded with.</param>
/// <param name="Create">Builds a fresh instance (tests mutate nothing, but PUBLISH payloads must not be shared with the reader).</param>
public sealed record PacketCase(string Name, ProtocolVersion Version, Func<MqttPacket> Create)
{
    public override string ToString() => $"{Version} {Name}";
}

/// <summary>
/// Every packet type in every version, in plain forms and, for 5.0, with every property the packet allows
/// (§2.2.2.2 table), several user properties and several subscription identifiers in PUBLISH. Only values that
/// survive a round trip in that version are used (e.g. 3.1.1 acknowledgements carry no reason code).
/// </summary>
public static class PacketCatalog
{
    public static readonly ProtocolVersion[] Versions = [ProtocolVersion.V310, ProtocolVersion.V311, ProtocolVersion.V500];

    public static IReadOnlyList<PacketCase> All { get; } = Build();

    public static PacketCase Find(ProtocolVersion version, string name) =>
        All.Single(c => c.Version == version && c.Name == name);

    /// <summary>Theory rows (version, name) for every case.</summary>
    public static TheoryData<ProtocolVersion, string> Rows()
    {
        var rows = new TheoryData<ProtocolVersion, string>();
        foreach (var c in All)
        {
            rows.Add(c.Version, c.Name);
        }

        return rows;
    }

    private static List<PacketCase> Build()
    {
        var cases = new List<PacketCase>();
        foreach (var version in Versions)
        {
            var v5 = version == ProtocolVersion.V500;
            void Add(string name, Func<MqttPacket> create) => cases.Add(new PacketCase(name, version, create));

            // CONNECT (§3.1)
            Add("CONNECT minimal", () => new ConnectPacket { ProtocolVersion = version, ClientId = string.Empty });
            Add("CONNECT full", () => FullConnect(version));
            Add("CONNECT will QoS 1, user name only", () => new ConnectPacket
            {
                ProtocolVersion = version,
                CleanSession = false,
                KeepAliveSeconds = 65535,
                ClientId = "ünïcode-id",
                UserName = "user",
                Will = new WillMessage { Topic = "last/will", Payload = Array.Empty<byte>(), QoS = QualityOfService.AtLeastOnce },
            });
            if (v5)
            {
                // 5.0 §3.1.2.9 allows a password without a user name (3.1.1 [MQTT-3.1.2-22] does not).
                Add("CONNECT password without user name", () => new ConnectPacket
                {
                    ProtocolVersion = version,
                    ClientId = "c",
                    Password = new byte[] { 0x00, 0xFF },
                });
            }

            // CONNACK (§3.2)
            Add("CONNACK accepted", () => new ConnAckPacket());
            Add("CONNACK session present", () => new ConnAckPacket { SessionPresent = true });
            Add("CONNACK refused", () => new ConnAckPacket { ReasonCode = v5 ? ReasonCode.Banned : ReasonCode.NotAuthorized });
            if (!v5)
            {
                // Every 3.1.1 return code (§3.2.2.3) maps to a 5.0 reason code and back.
                foreach (var code in Enum.GetValues<ConnectReturnCode>())
                {
                    Add($"CONNACK return code {(int)code}", () => new ConnAckPacket { ReasonCode = code.ToReasonCode() });
                }
            }
            else
            {
                Add("CONNACK all properties", FullConnAck);
            }

            // PUBLISH (§3.3)
            Add("PUBLISH QoS 0", () => Publish("a/b", QualityOfService.AtMostOnce, 0, "hello"));
            Add("PUBLISH QoS 1 dup retain", () =>
            {
                var p = Publish("a/b", QualityOfService.AtLeastOnce, 10, "payload");
                p.Dup = true;
                p.Retain = true;
                return p;
            });
            Add("PUBLISH QoS 2 max id empty payload", () => Publish("/", QualityOfService.ExactlyOnce, ushort.MaxValue, string.Empty));
            Add("PUBLISH two-byte remaining length", () => Publish("sensors/température/1", QualityOfService.AtLeastOnce, 300, new string('x', 300)));
            if (v5)
            {
                Add("PUBLISH all properties", FullPublish);
                Add("PUBLISH empty topic with alias", () =>
                {
                    // 5.0 §3.3.2.1: a zero-length topic name is allowed when a topic alias stands for it.
                    var p = Publish(string.Empty, QualityOfService.AtMostOnce, 0, "aliased");
                    p.Properties.TopicAlias = 7;
                    return p;
                });
            }

            // PUBACK, PUBREC, PUBREL, PUBCOMP (§3.4–§3.7)
            foreach (var type in new[] { PacketType.PubAck, PacketType.PubRec, PacketType.PubRel, PacketType.PubComp })
            {
                var label = type.ToString().ToUpperInvariant();
                Add($"{label} plain", () => new AckPacket(type) { PacketId = 1 });
                Add($"{label} max id", () => new AckPacket(type) { PacketId = ushort.MaxValue });
                if (v5)
                {
                    var failure = type is PacketType.PubAck or PacketType.PubRec ? ReasonCode.QuotaExceeded : ReasonCode.PacketIdentifierNotFound;
                    Add($"{label} reason code only", () => new AckPacket(type) { PacketId = 2, ReasonCode = failure });
                    Add($"{label} success with properties", () => WithAckProperties(new AckPacket(type) { PacketId = 3 }));
                    Add($"{label} all properties", () => WithAckProperties(new AckPacket(type) { PacketId = 4, ReasonCode = failure }));
                }
            }

            // SUBSCRIBE, SUBACK (§3.8, §3.9)
            Add("SUBSCRIBE one filter", () => Subscribe(new TopicSubscription("a/b", QualityOfService.AtMostOnce)));
            Add("SUBSCRIBE several filters", () => Subscribe(
                new TopicSubscription("sport/+/player", QualityOfService.AtLeastOnce),
                new TopicSubscription("#", QualityOfService.ExactlyOnce),
                new TopicSubscription("$share/group/x/#", QualityOfService.AtLeastOnce),
                new TopicSubscription("ünï/+", QualityOfService.AtMostOnce)));
            if (v5)
            {
                Add("SUBSCRIBE all options and properties", () =>
                {
                    var s = Subscribe(
                        new TopicSubscription("a/+", QualityOfService.ExactlyOnce, NoLocal: true, RetainAsPublished: true, RetainHandling.DoNotSend),
                        new TopicSubscription("b/#", QualityOfService.AtLeastOnce, NoLocal: false, RetainAsPublished: true, RetainHandling.SendIfNewSubscription),
                        new TopicSubscription("c", QualityOfService.AtMostOnce, NoLocal: true),
                        // No Local must stay 0 on shared subscriptions ([MQTT-3.8.3-4], 5.0).
                        new TopicSubscription("$share/g/d", QualityOfService.AtLeastOnce, RetainAsPublished: true, RetainHandling: RetainHandling.DoNotSend));
                    s.Properties.SubscriptionIdentifiers.Add(VariableByteInteger.MaxValue);
                    AddUserProperties(s.Properties);
                    return s;
                });
            }

            Add("SUBACK granted", () => SubAck(ReasonCode.GrantedQoS1, ReasonCode.Success, ReasonCode.GrantedQoS2, ReasonCode.UnspecifiedError));
            if (v5)
            {
                Add("SUBACK failures and properties", () =>
                {
                    var s = SubAck(
                        ReasonCode.GrantedQoS2, ReasonCode.NotAuthorized, ReasonCode.TopicFilterInvalid, ReasonCode.QuotaExceeded,
                        ReasonCode.SharedSubscriptionsNotSupported, ReasonCode.SubscriptionIdentifiersNotSupported,
                        ReasonCode.WildcardSubscriptionsNotSupported, ReasonCode.ImplementationSpecificError, ReasonCode.PacketIdentifierInUse);
                    s.Properties.ReasonString = "partly refused";
                    AddUserProperties(s.Properties);
                    return s;
                });
            }

            // UNSUBSCRIBE, UNSUBACK (§3.10, §3.11)
            Add("UNSUBSCRIBE several filters", () =>
            {
                var u = new UnsubscribePacket { PacketId = 77 };
                u.Filters.AddRange(["a/b", "sport/#", "$share/g/+", "+"]);
                return u;
            });
            if (v5)
            {
                Add("UNSUBSCRIBE with user properties", () =>
                {
                    var u = new UnsubscribePacket { PacketId = 78 };
                    u.Filters.Add("a/b");
                    AddUserProperties(u.Properties);
                    return u;
                });
                Add("UNSUBACK reason codes and properties", () =>
                {
                    var u = new UnsubAckPacket { PacketId = 77 };
                    u.ReasonCodes.AddRange([ReasonCode.Success, ReasonCode.NoSubscriptionExisted, ReasonCode.NotAuthorized, ReasonCode.TopicFilterInvalid]);
                    u.Properties.ReasonString = "some were not there";
                    AddUserProperties(u.Properties);
                    return u;
                });
                Add("UNSUBACK one reason code", () =>
                {
                    var u = new UnsubAckPacket { PacketId = 1 };
                    u.ReasonCodes.Add(ReasonCode.Success);
                    return u;
                });
            }
            else
            {
                Add("UNSUBACK", () => new UnsubAckPacket { PacketId = 77 });
            }

            // PINGREQ, PINGRESP (§3.12, §3.13)
            Add("PINGREQ", () => PingReqPacket.Instance);
            Add("PINGRESP", () => PingRespPacket.Instance);

            // DISCONNECT (§3.14)
            Add("DISCONNECT", () => new DisconnectPacket());
            if (v5)
            {
                Add("DISCONNECT reason code only", () => new DisconnectPacket { ReasonCode = ReasonCode.DisconnectWithWillMessage });
                Add("DISCONNECT success with properties", () =>
                {
                    var d = new DisconnectPacket();
                    d.Properties.SessionExpiryInterval = 0;
                    return d;
                });
                Add("DISCONNECT all properties", () =>
                {
                    var d = new DisconnectPacket { ReasonCode = ReasonCode.UseAnotherServer };
                    d.Properties.SessionExpiryInterval = uint.MaxValue;
                    d.Properties.ReasonString = "maintenance";
                    d.Properties.ServerReference = "other.example:1883";
                    AddUserProperties(d.Properties);
                    return d;
                });

                // AUTH (§3.15), 5.0 only
                Add("AUTH success short form", () => new AuthPacket());
                Add("AUTH re-authenticate", () => new AuthPacket { ReasonCode = ReasonCode.ReAuthenticate });
                Add("AUTH all properties", () =>
                {
                    var a = new AuthPacket { ReasonCode = ReasonCode.ContinueAuthentication };
                    a.Properties.AuthenticationMethod = "SCRAM-SHA-256";
                    a.Properties.AuthenticationData = new byte[] { 0x00, 0x01, 0x80, 0xFF };
                    a.Properties.ReasonString = "continue";
                    AddUserProperties(a.Properties);
                    return a;
                });
            }
        }

        return cases;
    }

    /// <summary>Three user properties, two with the same name: order and duplicates are significant (§3.3.2.3.7).</summary>
    public static void AddUserProperties(MqttProperties properties)
    {
        properties.UserProperties.Add(new UserProperty("region", "eu"));
        properties.UserProperties.Add(new UserProperty("region", "us"));
        properties.UserProperties.Add(new UserProperty("ключ", string.Empty));
    }

    public static PublishPacket Publish(string topic, QualityOfService qos, ushort packetId, string payload) => new()
    {
        Topic = topic,
        QoS = qos,
        PacketId = packetId,
        Payload = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(payload)),
    };

    private static ConnectPacket FullConnect(ProtocolVersion version)
    {
        var connect = new ConnectPacket
        {
            ProtocolVersion = version,
            CleanSession = false,
            KeepAliveSeconds = 60,
            ClientId = "client-1",
            UserName = "user",
            Password = new byte[] { 0x00, 0x01, 0x02, 0xFF },
            Will = new WillMessage
            {
                Topic = "clients/client-1/status",
                Payload = Encoding.UTF8.GetBytes("offline"),
                QoS = QualityOfService.ExactlyOnce,
                Retain = true,
            },
        };
        if (version == ProtocolVersion.V500)
        {
            var p = connect.Properties;
            p.SessionExpiryInterval = 3600;
            p.ReceiveMaximum = 20;
            p.MaximumPacketSize = 1_048_576;
            p.TopicAliasMaximum = 10;
            p.RequestResponseInformation = 1;
            p.RequestProblemInformation = 0;
            p.AuthenticationMethod = "SCRAM-SHA-256";
            p.AuthenticationData = new byte[] { 0x01, 0x02, 0x03 };
            AddUserProperties(p);

            var w = connect.Will.Properties;
            w.WillDelayInterval = 30;
            w.PayloadFormatIndicator = 1;
            w.MessageExpiryInterval = 86_400;
            w.ContentType = "text/plain";
            w.ResponseTopic = "clients/client-1/reply";
            w.CorrelationData = new byte[] { 0xCA, 0xFE };
            AddUserProperties(w);
        }

        return connect;
    }

    private static ConnAckPacket FullConnAck()
    {
        var connAck = new ConnAckPacket { SessionPresent = true, ReasonCode = ReasonCode.Success };
        var p = connAck.Properties;
        p.SessionExpiryInterval = 7200;
        p.ReceiveMaximum = 100;
        p.MaximumQoS = 1;
        p.RetainAvailable = 0;
        p.MaximumPacketSize = 65_536;
        p.AssignedClientIdentifier = "auto-7F3A";
        p.TopicAliasMaximum = 16;
        p.ReasonString = "welcome";
        AddUserProperties(p);
        p.WildcardSubscriptionAvailable = 1;
        p.SubscriptionIdentifierAvailable = 1;
        p.SharedSubscriptionAvailable = 0;
        p.ServerKeepAlive = 30;
        p.ResponseInformation = "responses/";
        p.ServerReference = "backup.example";
        p.AuthenticationMethod = "SCRAM-SHA-256";
        p.AuthenticationData = new byte[] { 0x10, 0x20 };
        return connAck;
    }

    private static PublishPacket FullPublish()
    {
        var publish = Publish("sensors/room-1/temperature", QualityOfService.ExactlyOnce, 4242, "{\"t\":21.5}");
        publish.Retain = true;
        var p = publish.Properties;
        p.PayloadFormatIndicator = 1;
        p.MessageExpiryInterval = 600;
        p.TopicAlias = 3;
        p.ResponseTopic = "replies/room-1";
        p.CorrelationData = new byte[] { 0x01, 0x00, 0x02 };
        AddUserProperties(p);

        // One per matching subscription (§3.3.4): sizes of one to four bytes.
        p.SubscriptionIdentifiers.AddRange([1, 200, 20_000, VariableByteInteger.MaxValue]);
        p.ContentType = "application/json";
        return publish;
    }

    private static AckPacket WithAckProperties(AckPacket ack)
    {
        ack.Properties.ReasonString = "because";
        AddUserProperties(ack.Properties);
        return ack;
    }

    private static SubscribePacket Subscribe(params TopicSubscription[] subscriptions)
    {
        var subscribe = new SubscribePacket { PacketId = 12 };
        subscribe.Subscriptions.AddRange(subscriptions);
        return subscribe;
    }

    private static SubAckPacket SubAck(params ReasonCode[] codes)
    {
        var subAck = new SubAckPacket { PacketId = 12 };
        subAck.ReasonCodes.AddRange(codes);
        return subAck;
    }
}
