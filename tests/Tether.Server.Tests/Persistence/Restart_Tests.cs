using System.Collections.Concurrent;
using System.Text;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Tether.Server.Tests.Hosting;

namespace Tether.Server.Tests.Persistence;

/// <summary>
/// Graceful restarts of a real server with <c>persistence true</c>: retained messages, sessions with their
/// subscriptions, queued messages and messages in flight survive, with MQTTnet as the client (3.1.1 and 5.0).
/// </summary>
public sealed class Restart_Tests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "tether-restart-" + Guid.NewGuid().ToString("N"));

    public Restart_Tests() => Directory.CreateDirectory(_directory);

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public async Task A_retained_message_survives_a_restart_with_its_properties(MqttProtocolVersion version)
    {
        await using (var server = await StartAsync())
        {
            using var publisher = await ConnectAsync(server, version, "retain-publisher", persistent: false);
            var builder = new MqttApplicationMessageBuilder().WithTopic("plant/1/state").WithPayload("running").WithRetainFlag()
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce);
            if (version == MqttProtocolVersion.V500)
            {
                builder = builder.WithContentType("text/plain").WithUserProperty("site", Encoding.UTF8.GetBytes("north"));
            }

            Assert.True((await publisher.PublishAsync(builder.Build()).WaitAsync(TestServers.Timeout)).IsSuccess);
            await publisher.DisconnectAsync().WaitAsync(TestServers.Timeout);
        }

        await using (var server = await StartAsync())
        {
            Assert.Equal(1, server.Broker.RetainedCount);
            using var subscriber = new MqttClientFactory().CreateMqttClient();
            var received = Collect(subscriber);
            await ConnectAsync(subscriber, server, version, "retain-subscriber", persistent: false);
            await subscriber.SubscribeAsync("plant/+/state", MqttQualityOfServiceLevel.AtLeastOnce).WaitAsync(TestServers.Timeout);

            var message = await received.Reader.ReadAsync().AsTask().WaitAsync(TestServers.Timeout);
            Assert.Equal("plant/1/state", message.Topic);
            Assert.Equal("running", Encoding.UTF8.GetString(message.Payload));
            Assert.True(message.Retain);
            if (version == MqttProtocolVersion.V500)
            {
                Assert.Equal("text/plain", message.ContentType);
                var property = Assert.Single(message.UserProperties);
                Assert.Equal(("site", "north"), (property.Name, Encoding.UTF8.GetString(property.ValueBuffer.Span)));
            }
        }
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public async Task An_offline_sessions_subscriptions_and_queued_messages_survive_a_restart_in_order(MqttProtocolVersion version)
    {
        await using (var server = await StartAsync())
        {
            using var subscriber = await ConnectAsync(server, version, "offline-sub", persistent: true);
            await subscriber.SubscribeAsync("orders/#", MqttQualityOfServiceLevel.ExactlyOnce).WaitAsync(TestServers.Timeout);
            await subscriber.DisconnectAsync().WaitAsync(TestServers.Timeout);

            using var publisher = await ConnectAsync(server, version, "offline-pub", persistent: false);
            for (var i = 0; i < 10; i++)
            {
                var qos = i % 2 == 0 ? MqttQualityOfServiceLevel.AtLeastOnce : MqttQualityOfServiceLevel.ExactlyOnce;
                var result = await publisher.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("orders/" + i).WithPayload("order " + i).WithQualityOfServiceLevel(qos).Build()).WaitAsync(TestServers.Timeout);
                Assert.True(result.IsSuccess);
            }

            await publisher.DisconnectAsync().WaitAsync(TestServers.Timeout);
        }

        await using (var server = await StartAsync())
        {
            Assert.Equal(1, server.Broker.SubscriptionCount);
            using var subscriber = new MqttClientFactory().CreateMqttClient();
            var received = Collect(subscriber);
            var connect = await ConnectAsync(subscriber, server, version, "offline-sub", persistent: true);
            Assert.True(connect.IsSessionPresent);

            var payloads = new List<string>();
            for (var i = 0; i < 10; i++)
            {
                payloads.Add(Encoding.UTF8.GetString((await received.Reader.ReadAsync().AsTask().WaitAsync(TestServers.Timeout)).Payload));
            }

            Assert.Equal(Enumerable.Range(0, 10).Select(i => "order " + i), payloads);

            // The subscription itself came back too: a new message reaches the session.
            using var publisher = await ConnectAsync(server, version, "offline-pub-2", persistent: false);
            await publisher.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("orders/new").WithPayload("after restart").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build()).WaitAsync(TestServers.Timeout);
            Assert.Equal("after restart", Encoding.UTF8.GetString((await received.Reader.ReadAsync().AsTask().WaitAsync(TestServers.Timeout)).Payload));
        }
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public async Task A_message_in_flight_is_redelivered_with_dup_after_a_restart(MqttProtocolVersion version)
    {
        await using (var server = await StartAsync())
        {
            using var subscriber = new MqttClientFactory().CreateMqttClient();
            var arrived = new TaskCompletionSource<MqttApplicationMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
            subscriber.ApplicationMessageReceivedAsync += e =>
            {
                // Never acknowledged: the message stays in flight.
                e.AutoAcknowledge = false;
                arrived.TrySetResult(e.ApplicationMessage);
                return Task.CompletedTask;
            };
            await ConnectAsync(subscriber, server, version, "inflight-sub", persistent: true);
            await subscriber.SubscribeAsync("jobs/#", MqttQualityOfServiceLevel.AtLeastOnce).WaitAsync(TestServers.Timeout);

            using var publisher = await ConnectAsync(server, version, "inflight-pub", persistent: false);
            await publisher.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("jobs/1").WithPayload("job").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build()).WaitAsync(TestServers.Timeout);
            var first = await arrived.Task.WaitAsync(TestServers.Timeout);
            Assert.False(first.Dup);
        }

        await using (var server = await StartAsync())
        {
            using var subscriber = new MqttClientFactory().CreateMqttClient();
            var received = Collect(subscriber);
            var connect = await ConnectAsync(subscriber, server, version, "inflight-sub", persistent: true);
            Assert.True(connect.IsSessionPresent);

            var again = await received.Reader.ReadAsync().AsTask().WaitAsync(TestServers.Timeout);
            Assert.Equal("jobs/1", again.Topic);
            Assert.Equal("job", Encoding.UTF8.GetString(again.Payload));
            Assert.True(again.Dup); // [MQTT-3.3.1-1]: a resend carries DUP.
        }
    }

    [Fact]
    public async Task A_clean_session_leaves_nothing_in_the_store()
    {
        await using (var server = await StartAsync())
        {
            using var client = await ConnectAsync(server, MqttProtocolVersion.V311, "clean", persistent: false);
            await client.SubscribeAsync("x/#", MqttQualityOfServiceLevel.AtLeastOnce).WaitAsync(TestServers.Timeout);
            await client.DisconnectAsync().WaitAsync(TestServers.Timeout);
        }

        await using (var server = await StartAsync())
        {
            Assert.Equal(0, server.Broker.SessionCount);
            Assert.Equal(0, server.Broker.SubscriptionCount);
        }
    }

    [Fact]
    public async Task Persistence_false_creates_no_file()
    {
        var configuration = TestServers.Loopback() with { Persistence = new PersistenceSettings(false, _directory, null) };
        await using (var server = await TestServers.StartAsync(configuration))
        {
            using var client = await ConnectAsync(server, MqttProtocolVersion.V311, "memory-only", persistent: true);
            await client.SubscribeAsync("x/#", MqttQualityOfServiceLevel.AtLeastOnce).WaitAsync(TestServers.Timeout);
        }

        Assert.Empty(Directory.GetFileSystemEntries(_directory));
    }

    private Task<TetherServer> StartAsync() =>
        TestServers.StartAsync(TestServers.Loopback() with { Persistence = new PersistenceSettings(true, _directory, null) });

    private static System.Threading.Channels.Channel<MqttApplicationMessage> Collect(IMqttClient client)
    {
        var channel = System.Threading.Channels.Channel.CreateUnbounded<MqttApplicationMessage>();
        client.ApplicationMessageReceivedAsync += e =>
        {
            channel.Writer.TryWrite(e.ApplicationMessage);
            return Task.CompletedTask;
        };
        return channel;
    }

    private static async Task<IMqttClient> ConnectAsync(TetherServer server, MqttProtocolVersion version, string clientId, bool persistent)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        await ConnectAsync(client, server, version, clientId, persistent);
        return client;
    }

    private static async Task<MqttClientConnectResult> ConnectAsync(IMqttClient client, TetherServer server, MqttProtocolVersion version, string clientId, bool persistent)
    {
        var endPoint = server.EndPoint();
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(endPoint.Address.ToString(), endPoint.Port)
            .WithProtocolVersion(version)
            .WithClientId(clientId)
            .WithCleanSession(!persistent);
        if (persistent && version == MqttProtocolVersion.V500)
        {
            builder = builder.WithSessionExpiryInterval(3600);
        }

        var result = await client.ConnectAsync(builder.Build()).WaitAsync(TestServers.Timeout);
        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        return result;
    }
}
