using System.Text;
using MQTTnet;
using MQTTnet.Formatter;

namespace Tether.Server.Tests.Hosting;

/// <summary>An independent client (MQTTnet) against the hosted broker, over real sockets.</summary>
public class MqttClientTests
{
    [Theory]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public async Task Client_receives_its_own_publish(MqttProtocolVersion version)
    {
        await using var server = await TestServers.StartAsync(TestServers.Loopback());
        using var client = new MqttClientFactory().CreateMqttClient();
        var received = new TaskCompletionSource<MqttApplicationMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.ApplicationMessageReceivedAsync += e =>
        {
            received.TrySetResult(e.ApplicationMessage);
            return Task.CompletedTask;
        };

        var endPoint = server.EndPoint();
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer(endPoint.Address.ToString(), endPoint.Port)
            .WithProtocolVersion(version)
            .WithClientId("client-" + version)
            .Build();
        var connect = await client.ConnectAsync(options).WaitAsync(TestServers.Timeout);
        Assert.Equal(MqttClientConnectResultCode.Success, connect.ResultCode);

        var subscribe = await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("tether/test/#", MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce).Build()).WaitAsync(TestServers.Timeout);
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, Assert.Single(subscribe.Items).ResultCode);

        var publish = await client.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic("tether/test/1")
            .WithPayload("hello")
            .WithQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce)
            .Build()).WaitAsync(TestServers.Timeout);
        Assert.True(publish.IsSuccess);

        var message = await received.Task.WaitAsync(TestServers.Timeout);
        Assert.Equal("tether/test/1", message.Topic);
        Assert.Equal("hello", Encoding.UTF8.GetString(message.Payload));

        await client.DisconnectAsync().WaitAsync(TestServers.Timeout);
    }

    [Fact]
    public async Task Shutdown_sends_disconnect_server_shutting_down_to_a_v5_client()
    {
        var server = await TestServers.StartAsync(TestServers.Loopback());
        try
        {
            using var client = new MqttClientFactory().CreateMqttClient();
            var disconnected = new TaskCompletionSource<MqttClientDisconnectedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
            client.DisconnectedAsync += e =>
            {
                disconnected.TrySetResult(e);
                return Task.CompletedTask;
            };
            var endPoint = server.EndPoint();
            await client.ConnectAsync(new MqttClientOptionsBuilder()
                .WithTcpServer(endPoint.Address.ToString(), endPoint.Port)
                .WithProtocolVersion(MqttProtocolVersion.V500)
                .WithClientId("shutdown-v5")
                .Build()).WaitAsync(TestServers.Timeout);

            await server.StopAsync(CancellationToken.None).WaitAsync(TestServers.Timeout);

            var e = await disconnected.Task.WaitAsync(TestServers.Timeout);
            Assert.Equal(MqttClientDisconnectReason.ServerShuttingDown, e.Reason); // 0x8B
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}
