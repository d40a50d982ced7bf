using Tether.Broker.Tests.Support;
using Tether.Protocol;

namespace Tether.Broker.Tests.Broker;

/// <summary>
/// Steps the behaviour tests repeat: connecting 5.0 clients with properties, subscribing with options, and
/// collecting what a client has been sent so far. Every wait is bounded by <see cref="TestClient"/>'s timeout.
/// </summary>
internal static class BrokerTestSteps
{
    /// <summary>Connects a client, lets the test adjust the CONNECT first, and checks it was accepted.</summary>
    public static async Task<(TestClient Client, ConnAckPacket ConnAck)> ConnectAsync(
        this BrokerHarness harness, string clientId, ProtocolVersion version, Action<ConnectPacket> configure)
    {
        var connect = new ConnectPacket { ClientId = clientId, ProtocolVersion = version };
        configure(connect);
        var (client, connAck) = await harness.ConnectAsync(connect);
        Assert.Equal(ReasonCode.Success, connAck.ReasonCode);
        return (client, connAck);
    }

    /// <summary>Subscribes to one filter with the given options and returns the SUBACK (checked against the packet id).</summary>
    public static async Task<SubAckPacket> SubscribeAsync(
        this TestClient client,
        ushort packetId,
        string filter,
        QualityOfService qos = QualityOfService.AtMostOnce,
        uint subscriptionId = 0,
        bool noLocal = false,
        bool retainAsPublished = false,
        RetainHandling retainHandling = RetainHandling.SendAtSubscribe)
    {
        var subscribe = new SubscribePacket { PacketId = packetId };
        subscribe.Subscriptions.Add(new TopicSubscription(filter, qos, noLocal, retainAsPublished, retainHandling));
        if (subscriptionId != 0)
        {
            subscribe.Properties.SubscriptionIdentifiers.Add(subscriptionId);
        }

        await client.SendAsync(subscribe);
        var subAck = await client.ReceiveAsync<SubAckPacket>();
        Assert.Equal(packetId, subAck.PacketId);
        return subAck;
    }

    /// <summary>
    /// Publishes at QoS 1 and waits for the PUBACK. The broker routes a message before acknowledging it, so when
    /// this returns every subscriber's copy is already queued ahead of anything the subscriber asks for next.
    /// </summary>
    public static async Task<AckPacket> PublishAcknowledgedAsync(this TestClient client, PublishPacket publish)
    {
        Assert.Equal(QualityOfService.AtLeastOnce, publish.QoS);
        await client.SendAsync(publish);
        var ack = await client.ReceiveAsync<AckPacket>();
        Assert.Equal(PacketType.PubAck, ack.Type);
        Assert.Equal(publish.PacketId, ack.PacketId);
        return ack;
    }

    /// <summary>
    /// Everything the broker sent before answering a PINGREQ, which must all be PUBLISH. The stream is ordered,
    /// so this is exactly what was queued for the client when the broker read the PINGREQ.
    /// </summary>
    public static async Task<List<PublishPacket>> DrainPublishesAsync(this TestClient client)
    {
        await client.SendAsync(PingReqPacket.Instance);
        var received = new List<PublishPacket>();
        while (true)
        {
            var packet = await client.ReceiveAsync();
            switch (packet)
            {
                case PingRespPacket:
                    return received;
                case PublishPacket publish:
                    received.Add(publish);
                    break;
                default:
                    throw new InvalidOperationException($"Expected PUBLISH or PINGRESP but received {packet.Type}.");
            }
        }
    }

    /// <summary>Waits until the broker has ended this connection (its task completes after cleanup).</summary>
    public static Task BrokerEndedAsync(this TestClient client) => client.BrokerSide.WaitAsync(TimeSpan.FromSeconds(10));
}
