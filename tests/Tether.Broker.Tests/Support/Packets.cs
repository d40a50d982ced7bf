using System.Buffers;
using System.Text;
using Tether.Protocol;

namespace Tether.Broker.Tests.Support;

/// <summary>Short builders for the packets tests send.</summary>
internal static class Packets
{
    public static PublishPacket Publish(string topic, string payload, QualityOfService qos = QualityOfService.AtMostOnce, ushort packetId = 0, bool retain = false) => new()
    {
        Topic = topic,
        Payload = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(payload)),
        QoS = qos,
        PacketId = packetId,
        Retain = retain,
    };

    public static SubscribePacket Subscribe(ushort packetId, string filter, QualityOfService qos = QualityOfService.AtMostOnce)
    {
        var subscribe = new SubscribePacket { PacketId = packetId };
        subscribe.Subscriptions.Add(new TopicSubscription(filter, qos));
        return subscribe;
    }

    public static string PayloadText(this PublishPacket publish) => Encoding.UTF8.GetString(publish.Payload.ToArray());
}
