using Tether.Broker.Tests.Support;
using Tether.Protocol;

namespace Tether.Broker.Tests.Broker;

/// <summary>max_inflight_bytes: outgoing QoS 1/2 messages go out while the payload bytes in flight are below the limit.</summary>
public sealed class Max_inflight_bytes_Tests
{
    [Fact]
    public async Task Messages_wait_while_the_bytes_in_flight_reach_the_limit()
    {
        await using var harness = new BrokerHarness(BrokerOptions.Default with { SysIntervalSeconds = 0, MaxInflightMessages = 20, MaxInflightBytes = 10 });
        var subscriber = await harness.ConnectAsync("sub");
        await subscriber.SendAsync(Packets.Subscribe(1, "t", QualityOfService.AtLeastOnce));
        await subscriber.ReceiveAsync<SubAckPacket>();
        var publisher = await harness.ConnectAsync("pub");
        ushort id = 1;
        foreach (var payload in new[] { "aaaaaa", "bbbbbb", "cc" })
        {
            await publisher.SendAsync(Packets.Publish("t", payload, QualityOfService.AtLeastOnce, packetId: id++));
            await publisher.ReceiveAsync<AckPacket>();
        }

        // 6 bytes in flight is below 10, so the second goes; 12 is not, so the third waits.
        var first = await subscriber.ReceiveAsync<PublishPacket>();
        var second = await subscriber.ReceiveAsync<PublishPacket>();
        Assert.Equal(["aaaaaa", "bbbbbb"], new[] { first.PayloadText(), second.PayloadText() });
        await subscriber.AssertNothingPendingAsync();

        await subscriber.SendAsync(new AckPacket(PacketType.PubAck) { PacketId = first.PacketId });
        Assert.Equal("cc", (await subscriber.ReceiveAsync<PublishPacket>()).PayloadText());
    }

    [Fact]
    public async Task A_message_larger_than_the_limit_goes_out_alone()
    {
        await using var harness = new BrokerHarness(BrokerOptions.Default with { SysIntervalSeconds = 0, MaxInflightBytes = 100 });
        var subscriber = await harness.ConnectAsync("sub");
        await subscriber.SendAsync(Packets.Subscribe(1, "t", QualityOfService.ExactlyOnce));
        await subscriber.ReceiveAsync<SubAckPacket>();
        var publisher = await harness.ConnectAsync("pub");
        var big = new string('x', 150);
        await publisher.SendAsync(Packets.Publish("t", big, QualityOfService.AtLeastOnce, packetId: 1));
        await publisher.ReceiveAsync<AckPacket>();
        await publisher.SendAsync(Packets.Publish("t", "small", QualityOfService.AtLeastOnce, packetId: 2));
        await publisher.ReceiveAsync<AckPacket>();

        var first = await subscriber.ReceiveAsync<PublishPacket>();
        Assert.Equal(big, first.PayloadText());
        await subscriber.AssertNothingPendingAsync();

        await subscriber.SendAsync(new AckPacket(PacketType.PubAck) { PacketId = first.PacketId });
        Assert.Equal("small", (await subscriber.ReceiveAsync<PublishPacket>()).PayloadText());
    }

    [Fact]
    public async Task No_byte_limit_by_default()
    {
        Assert.Equal(0, BrokerOptions.Default.MaxInflightBytes);
        await using var harness = new BrokerHarness(BrokerOptions.Default with { SysIntervalSeconds = 0 });
        var subscriber = await harness.ConnectAsync("sub");
        await subscriber.SendAsync(Packets.Subscribe(1, "t", QualityOfService.AtLeastOnce));
        await subscriber.ReceiveAsync<SubAckPacket>();
        var publisher = await harness.ConnectAsync("pub");
        for (ushort i = 1; i <= 3; i++)
        {
            await publisher.SendAsync(Packets.Publish("t", new string('x', 100_000), QualityOfService.AtLeastOnce, packetId: i));
            await publisher.ReceiveAsync<AckPacket>();
        }

        for (var i = 0; i < 3; i++)
        {
            await subscriber.ReceiveAsync<PublishPacket>();
        }
    }
}
