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

    [Fact]
    public async Task Packets_sent_just_before_the_socket_closes_are_still_handled()
    {
        // Regression: mosquitto_pub -l sends PUBLISH, PUBLISH, PUBLISH, DISCONNECT and closes at once; the
        // transport's "closed" signal used to stop the read loop before the buffered packets were handled.
        await using var harness = new BrokerHarness();
        var subscriber = await harness.ConnectAsync("sub");
        await subscriber.SendAsync(Packets.Subscribe(1, "t"));
        await subscriber.ReceiveAsync<SubAckPacket>();
        using var transportClosed = new CancellationTokenSource();
        var publisher = harness.Open(ProtocolVersion.V311, transportClosed.Token);
        await publisher.SendAsync(new ConnectPacket { ClientId = "pub" });
        await publisher.ReceiveAsync<ConnAckPacket>();

        await transportClosed.CancelAsync();
        await publisher.SendAsync(Packets.Publish("t", "one"));
        await publisher.SendAsync(Packets.Publish("t", "two"));
        await publisher.SendAsync(new DisconnectPacket());
        await publisher.CloseAsync();

        Assert.Equal("one", (await subscriber.ReceiveAsync<PublishPacket>()).PayloadText());
        Assert.Equal("two", (await subscriber.ReceiveAsync<PublishPacket>()).PayloadText());
    }
}
