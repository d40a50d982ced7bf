using System.Buffers;
using Tether.Cli.Client;
using Tether.Client;
using Tether.Protocol;

namespace Tether.Cli.Tests.Client;

/// <summary>
/// The -d lines for every packet in both directions, pinned to the text libmosquitto 2.0.11 prints, so that the
/// describer can be reshaped without a character of the output changing.
/// </summary>
public sealed class PacketDebugPrinterTests
{
    private const MqttPacketDirection Sent = MqttPacketDirection.Sent;
    private const MqttPacketDirection Received = MqttPacketDirection.Received;

    public static TheoryData<MqttPacketDirection, MqttPacket, string> SingleLinePackets => new()
    {
        { Sent, new ConnectPacket(), "Client c1 sending CONNECT" },
        { Received, new ConnAckPacket(), "Client c1 received CONNACK (0)" },
        { Received, new ConnAckPacket { ReasonCode = ReasonCode.NotAuthorized }, "Client c1 received CONNACK (135)" },
        { Sent, Publish(dup: false, QualityOfService.AtLeastOnce, retain: false, 1, "a/b", 5), "Client c1 sending PUBLISH (d0, q1, r0, m1, 'a/b', ... (5 bytes))" },
        { Received, Publish(dup: true, QualityOfService.ExactlyOnce, retain: true, 65535, "x", 0), "Client c1 received PUBLISH (d1, q2, r1, m65535, 'x', ... (0 bytes))" },
        { Sent, Publish(dup: false, QualityOfService.AtMostOnce, retain: false, 0, "t", 3), "Client c1 sending PUBLISH (d0, q0, r0, m0, 't', ... (3 bytes))" },
        { Sent, Ack(PacketType.PubAck, 7, ReasonCode.NoMatchingSubscribers), "Client c1 sending PUBACK (m7, rc16)" },
        { Sent, Ack(PacketType.PubRec, 7, ReasonCode.Success), "Client c1 sending PUBREC (m7, rc0)" },
        { Sent, Ack(PacketType.PubRel, 7, ReasonCode.Success), "Client c1 sending PUBREL (m7)" },
        { Sent, Ack(PacketType.PubComp, 7, ReasonCode.Success), "Client c1 sending PUBCOMP (m7)" },
        { Received, Ack(PacketType.PubAck, 8, ReasonCode.NotAuthorized), "Client c1 received PUBACK (Mid: 8, RC:135)" },
        { Received, Ack(PacketType.PubRec, 8, ReasonCode.Success), "Client c1 received PUBREC (Mid: 8)" },
        { Received, Ack(PacketType.PubRel, 8, ReasonCode.Success), "Client c1 received PUBREL (Mid: 8)" },
        { Received, Ack(PacketType.PubComp, 8, ReasonCode.Success), "Client c1 received PUBCOMP (Mid: 8, RC:0)" },
        { Received, new SubAckPacket { PacketId = 1 }, "Client c1 received SUBACK" },
        { Received, new UnsubAckPacket { PacketId = 1 }, "Client c1 received UNSUBACK" },
        { Sent, PingReqPacket.Instance, "Client c1 sending PINGREQ" },
        { Received, PingRespPacket.Instance, "Client c1 received PINGRESP" },
        { Sent, new DisconnectPacket { ReasonCode = ReasonCode.DisconnectWithWillMessage }, "Client c1 sending DISCONNECT" },
        { Received, new DisconnectPacket { ReasonCode = ReasonCode.ServerShuttingDown }, "Client c1 received DISCONNECT (139)" },
        { Received, new AuthPacket(), "Client c1 received AUTH" },
    };

    [Theory]
    [MemberData(nameof(SingleLinePackets))]
    public void Each_packet_is_one_line_in_libmosquittos_words(MqttPacketDirection direction, MqttPacket packet, string expected)
    {
        Assert.Equal([expected], PacketDebugPrinter.Describe(direction, packet, "c1"));
    }

    [Fact]
    public void Subscribe_and_unsubscribe_print_one_line_per_filter()
    {
        var subscribe = new SubscribePacket { PacketId = 3 };
        subscribe.Subscriptions.Add(new TopicSubscription("a/#", QualityOfService.AtLeastOnce));
        subscribe.Subscriptions.Add(new TopicSubscription("b", QualityOfService.ExactlyOnce, NoLocal: true, RetainAsPublished: true, RetainHandling.DoNotSend));
        var unsubscribe = new UnsubscribePacket { PacketId = 4 };
        unsubscribe.Filters.Add("a/#");
        unsubscribe.Filters.Add("b");

        Assert.Equal(
            ["Client c1 sending SUBSCRIBE (Mid: 3, Topic: a/#, QoS: 1, Options: 0x00)", "Client c1 sending SUBSCRIBE (Mid: 3, Topic: b, QoS: 2, Options: 0x2c)"],
            PacketDebugPrinter.Describe(Sent, subscribe, "c1"));
        Assert.Equal(
            ["Client c1 sending UNSUBSCRIBE (Mid: 4, Topic: a/#)", "Client c1 sending UNSUBSCRIBE (Mid: 4, Topic: b)"],
            PacketDebugPrinter.Describe(Sent, unsubscribe, "c1"));
    }

    [Fact]
    public void A_suback_is_announced_with_its_granted_codes_when_asked()
    {
        var lines = new List<string>();
        var subAck = new SubAckPacket { PacketId = 2 };
        subAck.ReasonCodes.Add(ReasonCode.GrantedQoS1);
        subAck.ReasonCodes.Add(ReasonCode.UnspecifiedError);

        new PacketDebugPrinter(lines.Add, "c1", announceSubscriptions: true).Observe(Received, subAck);
        new PacketDebugPrinter(lines.Add, "c2", announceSubscriptions: false).Observe(Received, subAck);

        Assert.Equal(["Client c1 received SUBACK", "Subscribed (mid: 2): 1, 128", "Client c2 received SUBACK"], lines);
    }

    private static PublishPacket Publish(bool dup, QualityOfService qos, bool retain, ushort packetId, string topic, int length) => new()
    {
        Dup = dup,
        QoS = qos,
        Retain = retain,
        PacketId = packetId,
        Topic = topic,
        Payload = new ReadOnlySequence<byte>(new byte[length]),
    };

    private static AckPacket Ack(PacketType type, ushort packetId, ReasonCode code) => new(type) { PacketId = packetId, ReasonCode = code };
}
