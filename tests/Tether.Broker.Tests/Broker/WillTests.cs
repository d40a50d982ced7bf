using System.Text;
using Tether.Broker.Tests.Support;
using Tether.Protocol;

namespace Tether.Broker.Tests.Broker;

public sealed class WillTests
{
    private static ConnectPacket WithWill(string clientId, ProtocolVersion version = ProtocolVersion.V311, uint delay = 0, bool retain = false, ushort keepAlive = 0)
    {
        var connect = new ConnectPacket
        {
            ClientId = clientId,
            ProtocolVersion = version,
            KeepAliveSeconds = keepAlive,
            Will = new WillMessage { Topic = "will/" + clientId, Payload = Encoding.UTF8.GetBytes("gone"), QoS = QualityOfService.AtLeastOnce, Retain = retain },
        };
        if (delay > 0)
        {
            connect.Will.Properties.WillDelayInterval = delay;
        }

        return connect;
    }

    private static async Task<TestClient> WatcherAsync(BrokerHarness harness)
    {
        var watcher = await harness.ConnectAsync("watcher");
        await watcher.SendAsync(Packets.Subscribe(1, "will/#", QualityOfService.AtLeastOnce));
        await watcher.ReceiveAsync<SubAckPacket>();
        return watcher;
    }

    [Fact]
    public async Task Will_is_published_when_the_socket_closes_without_disconnect()
    {
        await using var harness = new BrokerHarness();
        var watcher = await WatcherAsync(harness);
        var (client, _) = await harness.ConnectAsync(WithWill("w1"));

        await client.CloseAsync();

        var will = await watcher.ReceiveAsync<PublishPacket>();
        Assert.Equal("will/w1", will.Topic.ToString());
        Assert.Equal("gone", will.PayloadText());
        Assert.Equal(QualityOfService.AtLeastOnce, will.QoS);
    }

    [Fact]
    public async Task Will_is_not_published_after_a_normal_disconnect()
    {
        await using var harness = new BrokerHarness();
        var watcher = await WatcherAsync(harness);
        var (client, _) = await harness.ConnectAsync(WithWill("w2"));

        await client.SendAsync(new DisconnectPacket());
        await client.BrokerSide.WaitAsync(TimeSpan.FromSeconds(10));

        await watcher.AssertNothingPendingAsync(); // [MQTT-3.14.4-3]
    }

    [Fact]
    public async Task V5_disconnect_with_will_message_publishes_the_will()
    {
        await using var harness = new BrokerHarness();
        var watcher = await WatcherAsync(harness);
        var (client, _) = await harness.ConnectAsync(WithWill("w3", ProtocolVersion.V500));

        await client.SendAsync(new DisconnectPacket { ReasonCode = ReasonCode.DisconnectWithWillMessage });

        Assert.Equal("will/w3", (await watcher.ReceiveAsync<PublishPacket>()).Topic.ToString());
    }

    [Fact]
    public async Task Will_is_published_on_keep_alive_timeout()
    {
        await using var harness = new BrokerHarness();
        var watcher = await WatcherAsync(harness);
        var (client, _) = await harness.ConnectAsync(WithWill("w4", keepAlive: 10));

        harness.Time.Advance(TimeSpan.FromSeconds(16));

        Assert.Equal("will/w4", (await watcher.ReceiveAsync<PublishPacket>()).Topic.ToString());
        await client.BrokerSide.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Will_is_published_on_protocol_error()
    {
        await using var harness = new BrokerHarness();
        var watcher = await WatcherAsync(harness);
        var (client, _) = await harness.ConnectAsync(WithWill("w5"));

        await client.SendRawAsync(0x30, 0x03, 0x00, 0x01, (byte)'#'); // PUBLISH to "#": topic name with a wildcard

        Assert.Equal("will/w5", (await watcher.ReceiveAsync<PublishPacket>()).Topic.ToString());
    }

    [Fact]
    public async Task Retained_will_is_stored_as_retained()
    {
        await using var harness = new BrokerHarness();
        var (client, _) = await harness.ConnectAsync(WithWill("w6", retain: true));
        await client.CloseAsync();
        await client.BrokerSide.WaitAsync(TimeSpan.FromSeconds(10));

        var late = await harness.ConnectAsync("late");
        await late.SendAsync(Packets.Subscribe(1, "will/#", QualityOfService.AtLeastOnce));
        await late.ReceiveAsync<SubAckPacket>();
        var retained = await late.ReceiveAsync<PublishPacket>();
        Assert.True(retained.Retain);
        Assert.Equal("will/w6", retained.Topic.ToString());
    }

    [Fact]
    public async Task Will_delay_postpones_the_will_and_a_reconnect_cancels_it()
    {
        await using var harness = new BrokerHarness();
        var watcher = await WatcherAsync(harness);
        var connect = WithWill("w7", ProtocolVersion.V500, delay: 30);
        connect.CleanSession = false;
        connect.Properties.SessionExpiryInterval = 300;
        var (client, _) = await harness.ConnectAsync(connect);
        await client.CloseAsync();
        await client.BrokerSide.WaitAsync(TimeSpan.FromSeconds(10));

        harness.Time.Advance(TimeSpan.FromSeconds(20));
        await watcher.AssertNothingPendingAsync();

        var reconnect = new ConnectPacket { ClientId = "w7", ProtocolVersion = ProtocolVersion.V500, CleanSession = false };
        reconnect.Properties.SessionExpiryInterval = 300;
        var (again, _) = await harness.ConnectAsync(reconnect);
        harness.Time.Advance(TimeSpan.FromSeconds(20));
        await watcher.AssertNothingPendingAsync(); // [MQTT-3.1.2-8]: a new connection before the delay cancels the will
        await again.DisposeAsync();
    }

    [Fact]
    public async Task Will_delay_elapses_and_the_will_is_published()
    {
        await using var harness = new BrokerHarness();
        var watcher = await WatcherAsync(harness);
        var connect = WithWill("w8", ProtocolVersion.V500, delay: 30);
        connect.CleanSession = false;
        connect.Properties.SessionExpiryInterval = 300;
        var (client, _) = await harness.ConnectAsync(connect);
        await client.CloseAsync();
        await client.BrokerSide.WaitAsync(TimeSpan.FromSeconds(10));

        harness.Time.Advance(TimeSpan.FromSeconds(29));
        await watcher.AssertNothingPendingAsync();
        harness.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal("will/w8", (await watcher.ReceiveAsync<PublishPacket>()).Topic.ToString());
    }
}
