using System.Text;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Tether.Server.Tests.Hosting;

namespace Tether.Server.Tests.Tls;

/// <summary>An independent client (MQTTnet's WebSocket channel) over wss:// against a WebSocket listener with TLS.</summary>
public sealed class MqttNet_Wss_Tests : IDisposable
{
    private readonly TestCertificates _certificates = new();

    public void Dispose() => _certificates.Dispose();

    [Theory]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public async Task MQTTnet_publishes_and_receives_over_wss(MqttProtocolVersion version)
    {
        await using var server = await TestServers.StartAsync(new TetherConfiguration { Listeners = [_certificates.Listener(protocol: ListenerProtocol.WebSockets)] });
        using var client = new MqttClientFactory().CreateMqttClient();
        var received = new TaskCompletionSource<MqttApplicationMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.ApplicationMessageReceivedAsync += e =>
        {
            received.TrySetResult(e.ApplicationMessage);
            return Task.CompletedTask;
        };

        var validated = 0;
        var options = new MqttClientOptionsBuilder()
            .WithWebSocketServer(o => o.WithUri($"wss://127.0.0.1:{server.EndPoint().Port}/mqtt"))
            .WithTlsOptions(o => o.UseTls().WithCertificateValidationHandler(e =>
            {
                Interlocked.Increment(ref validated);
                return _certificates.Trusts(e.Certificate);
            }))
            .WithProtocolVersion(version)
            .WithClientId("mqttnet-wss-" + version)
            .Build();
        var connect = await client.ConnectAsync(options).WaitAsync(TestServers.Timeout);
        Assert.Equal(MqttClientConnectResultCode.Success, connect.ResultCode);
        Assert.True(Volatile.Read(ref validated) > 0, "the server certificate was never validated, so the connection was not TLS");

        await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("wss/mqttnet/#", MqttQualityOfServiceLevel.AtLeastOnce).Build()).WaitAsync(TestServers.Timeout);
        var publish = await client.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic("wss/mqttnet/1")
            .WithPayload("over secure websocket")
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build()).WaitAsync(TestServers.Timeout);
        Assert.True(publish.IsSuccess);

        var message = await received.Task.WaitAsync(TestServers.Timeout);
        Assert.Equal("wss/mqttnet/1", message.Topic);
        Assert.Equal("over secure websocket", Encoding.UTF8.GetString(message.Payload));
        await client.DisconnectAsync().WaitAsync(TestServers.Timeout);
    }
}
