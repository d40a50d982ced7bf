using System.Text;
using Tether.Client.Tests.Support;
using Tether.Protocol;

namespace Tether.Client.Tests;

/// <summary>Connect, subscribe, publish and receive over TCP against a real Tether.</summary>
public sealed class PublishSubscribe_Tests
{
    [Theory]
    [InlineData(ProtocolVersion.V311, QualityOfService.AtMostOnce)]
    [InlineData(ProtocolVersion.V311, QualityOfService.AtLeastOnce)]
    [InlineData(ProtocolVersion.V311, QualityOfService.ExactlyOnce)]
    [InlineData(ProtocolVersion.V500, QualityOfService.AtMostOnce)]
    [InlineData(ProtocolVersion.V500, QualityOfService.AtLeastOnce)]
    [InlineData(ProtocolVersion.V500, QualityOfService.ExactlyOnce)]
    public async Task Client_receives_its_own_publish(ProtocolVersion version, QualityOfService qos)
    {
        await using var broker = await TestBroker.StartAsync();
        await using var client = new MqttClient(broker.ClientOptions(version) with { ClientId = "self-" + version + qos });
        var connected = await client.ConnectAsync().WaitAsync(TestBroker.Timeout);
        Assert.False(connected.SessionPresent);
        Assert.True(client.IsConnected);

        var granted = await client.SubscribeAsync("t/#", qos).WaitAsync(TestBroker.Timeout);
        Assert.Equal([(ReasonCode)qos], granted.ReasonCodes);

        await client.PublishAsync("t/1", "hello", qos).WaitAsync(TestBroker.Timeout);
        var received = Assert.Single(await client.TakeAsync(1));
        Assert.Equal("t/1", received.Topic);
        Assert.Equal("hello", received.PayloadAsString());
        Assert.Equal(qos, received.QoS);
    }

    [Fact]
    public async Task Messages_arrive_in_order_through_the_callback()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var client = new MqttClient(broker.ClientOptions() with { ClientId = "callback" });
        var received = new List<string>();
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.MessageReceivedAsync = (message, _) =>
        {
            received.Add(message.PayloadAsString());
            if (received.Count == 100)
            {
                all.SetResult();
            }

            return Task.CompletedTask;
        };
        await client.ConnectAsync().WaitAsync(TestBroker.Timeout);
        await client.SubscribeAsync("order", QualityOfService.AtLeastOnce).WaitAsync(TestBroker.Timeout);
        var publishes = Enumerable.Range(0, 100).Select(i => client.PublishAsync("order", i.ToString(System.Globalization.CultureInfo.InvariantCulture), QualityOfService.AtLeastOnce)).ToArray();
        await Task.WhenAll(publishes).WaitAsync(TestBroker.Timeout);
        await all.Task.WaitAsync(TestBroker.Timeout);
        Assert.Equal(Enumerable.Range(0, 100).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), received);
    }

    [Fact]
    public async Task A_burst_of_QoS2_publishes_from_a_311_client_stays_within_the_brokers_inflight_limit()
    {
        // 3.1.1 has no receive maximum in CONNACK; Tether (max_inflight_messages 20) disconnects a client with more
        // unreleased QoS 2 messages, so the client's own window (MaxInflight, 20) must keep the burst under it.
        await using var broker = await TestBroker.StartAsync();
        await using var client = new MqttClient(broker.ClientOptions(ProtocolVersion.V311) with { ClientId = "burst" });
        var events = new ClientEvents(client);
        await client.ConnectAsync().WaitAsync(TestBroker.Timeout);
        var publishes = Enumerable.Range(0, 200).Select(i => client.PublishAsync("burst", "x", QualityOfService.ExactlyOnce)).ToArray();
        await Task.WhenAll(publishes).WaitAsync(TestBroker.Timeout);
        Assert.DoesNotContain(events.All, e => e is MqttDisconnectedEventArgs);
    }

    [Fact]
    public async Task MQTT5_properties_travel_with_the_message()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var client = new MqttClient(broker.ClientOptions() with { ClientId = "props" });
        await client.ConnectAsync().WaitAsync(TestBroker.Timeout);
        await client.SubscribeAsync("props").WaitAsync(TestBroker.Timeout);
        await client.PublishAsync(new MqttApplicationMessage("props", Encoding.UTF8.GetBytes("{}"))
        {
            ContentType = "application/json",
            ResponseTopic = "reply/here",
            CorrelationData = new byte[] { 1, 2, 3 },
            UserProperties = [new("a", "1"), new("b", "2")],
        }).WaitAsync(TestBroker.Timeout);
        var message = Assert.Single(await client.TakeAsync(1));
        Assert.Equal("application/json", message.ContentType);
        Assert.Equal("reply/here", message.ResponseTopic);
        Assert.Equal(new byte[] { 1, 2, 3 }, message.CorrelationData!.Value.ToArray());
        Assert.Equal([new("a", "1"), new("b", "2")], message.UserProperties);
    }

    [Fact]
    public async Task Unsubscribed_filters_receive_nothing()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var client = new MqttClient(broker.ClientOptions() with { ClientId = "unsub" });
        await client.ConnectAsync().WaitAsync(TestBroker.Timeout);
        await client.SubscribeAsync("gone").WaitAsync(TestBroker.Timeout);
        await client.SubscribeAsync("kept").WaitAsync(TestBroker.Timeout);
        await client.UnsubscribeAsync("gone").WaitAsync(TestBroker.Timeout);
        await client.PublishAsync("gone", "x", QualityOfService.AtLeastOnce).WaitAsync(TestBroker.Timeout);
        await client.PublishAsync("kept", "y", QualityOfService.AtLeastOnce).WaitAsync(TestBroker.Timeout);

        // Both went through the broker in order, so "kept" arriving first and alone proves "gone" was not delivered.
        var message = Assert.Single(await client.TakeAsync(1));
        Assert.Equal("kept", message.Topic);
    }

    [Theory]
    [InlineData(ProtocolVersion.V311, "Connection Refused: not authorised.")]
    [InlineData(ProtocolVersion.V500, "Not authorized")]
    public async Task A_refused_CONNECT_throws_with_the_reason(ProtocolVersion version, string text)
    {
        await using var broker = await TestBroker.StartAsync(Tether.Broker.BrokerOptions.Default with { ClientIdPrefixes = "allowed-" });
        await using var client = new MqttClient(broker.ClientOptions(version) with { ClientId = "stranger" });
        var refused = await Assert.ThrowsAsync<MqttConnectException>(() => client.ConnectAsync().WaitAsync(TestBroker.Timeout));
        Assert.Equal(ReasonCode.NotAuthorized, refused.ReasonCode);
        Assert.Equal(text, refused.Message);
        Assert.False(client.IsConnected);
    }

    [Fact]
    public async Task Session_takeover_is_reported_with_the_server_reason_code()
    {
        await using var broker = await TestBroker.StartAsync();
        var options = broker.ClientOptions() with { ClientId = "twin", Reconnect = MqttReconnectOptions.Default with { Enabled = false } };
        await using var first = new MqttClient(options);
        var events = new ClientEvents(first);
        await first.ConnectAsync().WaitAsync(TestBroker.Timeout);
        var disconnected = events.NextAsync<MqttDisconnectedEventArgs>();

        await using var second = new MqttClient(options);
        await second.ConnectAsync().WaitAsync(TestBroker.Timeout);
        var reason = await disconnected;
        Assert.Equal(MqttDisconnectKind.ServerDisconnect, reason.Kind);
        Assert.Equal(ReasonCode.SessionTakenOver, reason.ReasonCode);
        Assert.False(reason.WillReconnect);
        Assert.Contains("Session taken over (0x8E)", reason.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connecting_to_a_closed_port_fails()
    {
        await using var broker = await TestBroker.StartAsync();
        var options = broker.ClientOptions();
        await broker.StopAsync();
        await using var client = new MqttClient(options);
        await Assert.ThrowsAnyAsync<System.Net.Sockets.SocketException>(() => client.ConnectAsync().WaitAsync(TestBroker.Timeout));
    }

    [Fact]
    public async Task Subscribing_while_disconnected_fails()
    {
        await using var client = new MqttClient(MqttClientOptions.Default);
        await Assert.ThrowsAsync<MqttClientException>(() => client.SubscribeAsync("x"));
    }
}
