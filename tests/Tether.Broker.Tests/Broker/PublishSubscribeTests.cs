using Tether.Broker.Tests.Support;
using Tether.Protocol;

namespace Tether.Broker.Tests.Broker;

public sealed class PublishSubscribeTests
{
    [Theory]
    [InlineData(ProtocolVersion.V310)]
    [InlineData(ProtocolVersion.V311)]
    [InlineData(ProtocolVersion.V500)]
    public async Task Subscriber_receives_a_qos0_message(ProtocolVersion version)
    {
        await using var harness = new BrokerHarness();
        var subscriber = await harness.ConnectAsync("sub", version);
        await subscriber.SendAsync(Packets.Subscribe(1, "a/+"));
        var subAck = await subscriber.ReceiveAsync<SubAckPacket>();
        Assert.Equal([ReasonCode.Success], subAck.ReasonCodes);

        var publisher = await harness.ConnectAsync("pub", version);
        await publisher.SendAsync(Packets.Publish("a/b", "hello"));

        var received = await subscriber.ReceiveAsync<PublishPacket>();
        Assert.Equal("a/b", received.Topic.ToString());
        Assert.Equal("hello", received.PayloadText());
        Assert.False(received.Retain);
    }
}
