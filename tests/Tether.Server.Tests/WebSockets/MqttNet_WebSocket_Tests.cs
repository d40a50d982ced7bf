using System.Text;
using MQTTnet;
using MQTTnet.Formatter;

using Tether.Server.Tests.Hosting;

namespace Tether.Server.Tests.WebSockets;

/// <summary>An independent client (MQTTnet's WebSocket channel) against a WebSocket listener.</summary>
public class MqttNet_WebSocket_Tests
{
    [Theory]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public async Task MQTTnet_publishes_and_subscribes_over_ws(MqttProtocolVersion version)
    {
        await using var server = await WebSocketTestServer.StartAsync();
        using var client = new MqttClientFactory().CreateMqttClient();
        var received = new TaskCompletionSource<MqttApplicationMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.ApplicationMessageReceivedAsync += e =>
        {
            received.TrySetResult(e.ApplicationMessage);
            return Task.CompletedTask;
        };

        var options = new MqttClientOptionsBuilder()
            .WithWebSocketServer(o => o.WithUri($"ws://127.0.0.1:{server.EndPoint.Port}/mqtt"))
            .WithProtocolVersion(version)
            .WithClientId("mqttnet-ws-" + version)
            .Build();
        var connect = await client.ConnectAsync(options).WaitAsync(TestServers.Timeout);
        Assert.Equal(MqttClientConnectResultCode.Success, connect.ResultCode);

        await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("ws/mqttnet/#", MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce).Build()).WaitAsync(TestServers.Timeout);
        var publish = await client.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic("ws/mqttnet/1")
            .WithPayload("over websocket")
            .WithQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce)
            .Build()).WaitAsync(TestServers.Timeout);
        Assert.True(publish.IsSuccess);

        var message = await received.Task.WaitAsync(TestServers.Timeout);
        Assert.Equal("ws/mqttnet/1", message.Topic);
        Assert.Equal("over websocket", Encoding.UTF8.GetString(message.Payload));
        await client.DisconnectAsync().WaitAsync(TestServers.Timeout);
    }
}
