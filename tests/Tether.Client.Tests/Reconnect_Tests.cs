using Tether.Client.Tests.Support;
using Tether.Protocol;

namespace Tether.Client.Tests;

/// <summary>
/// The client across a broker that is stopped and started again on the same port: it reconnects, subscribes again
/// (the restarted broker has no session), sends what was published while it was offline in order, and completes a
/// QoS 2 exchange cut in the middle exactly once.
/// </summary>
public sealed class Reconnect_Tests
{
    [Theory]
    [InlineData(ProtocolVersion.V311)]
    [InlineData(ProtocolVersion.V500)]
    public async Task Reconnect_resubscribes_and_sends_the_offline_queue_in_order(ProtocolVersion version)
    {
        await using var broker = await TestBroker.StartAsync();
        await using var client = new MqttClient(broker.ClientOptions(version) with { ClientId = "phoenix-" + version });
        var events = new ClientEvents(client);
        await client.ConnectAsync().WaitAsync(TestBroker.Timeout);
        await client.SubscribeAsync("queue/#", QualityOfService.ExactlyOnce).WaitAsync(TestBroker.Timeout);

        var lost = events.NextAsync<MqttDisconnectedEventArgs>();
        await broker.StopAsync();
        var reason = await lost;
        Assert.True(reason.WillReconnect);

        // 3.1.1 clients see the socket close; 5.0 clients get DISCONNECT 0x8B first.
        Assert.True(
            version == ProtocolVersion.V500
                ? reason.Kind == MqttDisconnectKind.ServerDisconnect && reason.ReasonCode == ReasonCode.ServerShuttingDown
                : reason.Kind == MqttDisconnectKind.SocketClosed,
            reason.ToString());
        Assert.False(client.IsConnected);
        await events.NextAsync<MqttReconnectingEventArgs>(e => e.Attempt >= 2);

        // Published while offline: all three QoS levels, interleaved, must arrive in this order.
        var payloads = Enumerable.Range(0, 30).Select(i => "m" + i).ToArray();
        var publishes = payloads.Select((p, i) => client.PublishAsync("queue/" + i, p, (QualityOfService)(i % 3))).ToArray();
        Assert.Equal(30, client.QueuedCount);
        Assert.All(publishes, p => Assert.False(p.IsCompleted));

        var back = events.NextAsync<MqttConnectedEventArgs>();
        await broker.RestartAsync();
        var connected = await back;
        Assert.True(connected.IsReconnect);
        Assert.False(connected.Result.SessionPresent);

        await Task.WhenAll(publishes).WaitAsync(TestBroker.Timeout);
        var received = await client.TakeAsync(30);
        Assert.Equal(payloads, received.Select(m => m.PayloadAsString()));
        Assert.Equal(0, client.QueuedCount);
    }

    [Fact]
    public async Task Offline_queue_is_bounded()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var client = new MqttClient(broker.ClientOptions() with { OfflineQueueLimit = 2 });
        var events = new ClientEvents(client);
        await client.ConnectAsync().WaitAsync(TestBroker.Timeout);
        var lost = events.NextAsync<MqttDisconnectedEventArgs>();
        await broker.StopAsync();
        await lost;

        var first = client.PublishAsync("q", "1");
        var second = client.PublishAsync("q", "2");
        await Assert.ThrowsAsync<MqttOfflineQueueFullException>(() => client.PublishAsync("q", "3"));
        Assert.Equal(2, client.QueuedCount);

        await broker.RestartAsync();
        await Task.WhenAll(first, second).WaitAsync(TestBroker.Timeout);
    }

    [Fact]
    public async Task QoS2_cut_after_the_broker_got_the_PUBLISH_is_delivered_exactly_once()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var proxy = new TcpProxy(broker.Port());

        await using var subscriber = new MqttClient(broker.ClientOptions() with { ClientId = "watcher" });
        await subscriber.ConnectAsync().WaitAsync(TestBroker.Timeout);
        await subscriber.SubscribeAsync("once", QualityOfService.ExactlyOnce).WaitAsync(TestBroker.Timeout);

        // The publisher keeps its session, so the broker remembers the packet id it has already received.
        var options = broker.ClientOptions() with { Port = proxy.Port, ClientId = "publisher", SessionExpiry = TimeSpan.FromMinutes(5) };
        await using var publisher = new MqttClient(options);
        var events = new ClientEvents(publisher);
        await publisher.ConnectAsync().WaitAsync(TestBroker.Timeout);

        proxy.DropServerReplies = true;
        var publish = publisher.PublishAsync("once", "exactly", QualityOfService.ExactlyOnce);
        var first = Assert.Single(await subscriber.TakeAsync(1));
        Assert.Equal("exactly", first.PayloadAsString());
        Assert.False(publish.IsCompleted); // PUBREC was swallowed.

        var back = events.NextAsync<MqttConnectedEventArgs>();
        proxy.DropServerReplies = false;
        proxy.CutAll();
        var reconnected = await back;
        Assert.True(reconnected.Result.SessionPresent);
        await publish.WaitAsync(TestBroker.Timeout); // DUP PUBLISH → PUBREC → PUBREL → PUBCOMP

        // A marker published after the exchange completed arrives next: nothing was delivered twice in between.
        await publisher.PublishAsync("once", "marker", QualityOfService.ExactlyOnce).WaitAsync(TestBroker.Timeout);
        var next = Assert.Single(await subscriber.TakeAsync(1));
        Assert.Equal("marker", next.PayloadAsString());
    }

    [Fact]
    public async Task Received_QoS2_resent_after_a_cut_is_delivered_once()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var proxy = new TcpProxy(broker.Port());
        var options = broker.ClientOptions() with { Port = proxy.Port, ClientId = "receiver", SessionExpiry = TimeSpan.FromMinutes(5) };
        await using var receiver = new MqttClient(options);
        var events = new ClientEvents(receiver);
        await receiver.ConnectAsync().WaitAsync(TestBroker.Timeout);
        await receiver.SubscribeAsync("twice", QualityOfService.ExactlyOnce).WaitAsync(TestBroker.Timeout);

        // The receiver gets the PUBLISH but its PUBREC never... reaches the broker: cut the connection right after
        // delivery, so the broker resends the PUBLISH (DUP) on the resumed session.
        var delivered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var count = 0;
        receiver.MessageReceivedAsync = (message, _) =>
        {
            if (Interlocked.Increment(ref count) == 1)
            {
                proxy.CutAll();
            }

            delivered.TrySetResult();
            return Task.CompletedTask;
        };

        await using var sender = new MqttClient(broker.ClientOptions() with { ClientId = "sender" });
        await sender.ConnectAsync().WaitAsync(TestBroker.Timeout);
        var back = events.NextAsync<MqttConnectedEventArgs>();
        await sender.PublishAsync("twice", "one", QualityOfService.ExactlyOnce).WaitAsync(TestBroker.Timeout);
        await delivered.Task.WaitAsync(TestBroker.Timeout);
        Assert.True((await back).Result.SessionPresent);

        // A later message proves the redelivered one (if any) has been handled before it.
        var marker = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        receiver.MessageReceivedAsync = (message, _) =>
        {
            if (message.PayloadAsString() == "marker")
            {
                marker.TrySetResult();
            }
            else
            {
                Interlocked.Increment(ref count);
            }

            return Task.CompletedTask;
        };
        await sender.PublishAsync("twice", "marker", QualityOfService.ExactlyOnce).WaitAsync(TestBroker.Timeout);
        await marker.Task.WaitAsync(TestBroker.Timeout);
        Assert.Equal(1, Volatile.Read(ref count));
    }
}
