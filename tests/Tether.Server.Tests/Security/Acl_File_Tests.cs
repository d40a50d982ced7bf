using System.Text;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Tether.Server.Tests.Hosting;

namespace Tether.Server.Tests.Security;

/// <summary>acl_file end to end over MQTTnet: PUBLISH, SUBSCRIBE and delivery (live and retained), 3.1.1 and 5.0.</summary>
public class Acl_File_Tests
{
    private const string Acl = """
        user admin
        topic readwrite #

        user alice
        topic readwrite a/#
        topic deny a/secret
        topic read ro/#
        """;

    private static async Task<SecurityTestServer> StartAsync()
    {
        var test = new SecurityTestServer();
        await File.WriteAllTextAsync(test.AclFile, Acl);
        await test.StartAsync($"listener {Password_File_Tests.FreePort()} 127.0.0.1\nallow_anonymous true\nacl_file {test.AclFile}\n");
        return test;
    }

    private static async Task<IMqttClient> ConnectAsync(SecurityTestServer test, MqttProtocolVersion version, string user)
    {
        var (client, result) = await test.ConnectAsync(version, user + "-" + version, user, "unused");
        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        return client;
    }

    private static Task<MqttClientPublishResult> PublishAsync(IMqttClient client, string topic, string payload, bool retain = false) =>
        client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).WithRetainFlag(retain).Build()).WaitAsync(TestServers.Timeout);

    /// <summary>Collects received messages; completes when the marker topic arrives.</summary>
    private static (List<string> Received, TaskCompletionSource Marker) Collect(IMqttClient client, string markerTopic)
    {
        var received = new List<string>();
        var marker = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.ApplicationMessageReceivedAsync += e =>
        {
            lock (received)
            {
                received.Add(e.ApplicationMessage.Topic + "=" + Encoding.UTF8.GetString(e.ApplicationMessage.Payload) + (e.ApplicationMessage.Retain ? " (retained)" : ""));
            }

            if (e.ApplicationMessage.Topic == markerTopic)
            {
                marker.TrySetResult();
            }

            return Task.CompletedTask;
        };
        return (received, marker);
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V311, MqttClientPublishReasonCode.Success)] // 3.1.1 cannot say no: acknowledged, dropped
    [InlineData(MqttProtocolVersion.V500, MqttClientPublishReasonCode.NotAuthorized)] // PUBACK 0x87
    public async Task Denied_publish_is_acknowledged_like_mosquitto_and_not_delivered(MqttProtocolVersion version, MqttClientPublishReasonCode expected)
    {
        await using var test = await StartAsync();
        using var admin = await ConnectAsync(test, MqttProtocolVersion.V500, "admin");
        var (received, marker) = Collect(admin, "a/marker");
        await admin.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("ro/#", MqttQualityOfServiceLevel.AtLeastOnce).WithTopicFilter("a/marker", MqttQualityOfServiceLevel.AtLeastOnce).Build()).WaitAsync(TestServers.Timeout);

        using var alice = await ConnectAsync(test, version, "alice");
        var denied = await PublishAsync(alice, "ro/x", "denied");
        Assert.Equal(expected, denied.ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.Success, (await PublishAsync(alice, "a/marker", "allowed")).ReasonCode);

        // Messages from one connection are routed in order: had ro/x gone out, it would be here before the marker.
        await marker.Task.WaitAsync(TestServers.Timeout);
        Assert.Equal(["a/marker=allowed"], received);
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V311, MqttClientSubscribeResultCode.UnspecifiedError)] // SUBACK 0x80
    [InlineData(MqttProtocolVersion.V500, MqttClientSubscribeResultCode.NotAuthorized)] // SUBACK 0x87
    public async Task Subscribe_that_could_never_deliver_is_refused(MqttProtocolVersion version, MqttClientSubscribeResultCode refused)
    {
        await using var test = await StartAsync();
        using var alice = await ConnectAsync(test, version, "alice");
        var result = await alice.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter("a/#", MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTopicFilter("a/secret", MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTopicFilter("b/x", MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTopicFilter("ro/+", MqttQualityOfServiceLevel.AtLeastOnce)
            .Build()).WaitAsync(TestServers.Timeout);
        Assert.Equal(
            [MqttClientSubscribeResultCode.GrantedQoS1, refused, refused, MqttClientSubscribeResultCode.GrantedQoS1],
            result.Items.Select(i => i.ResultCode));
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public async Task Read_access_is_checked_on_delivery_of_live_and_retained_messages(MqttProtocolVersion version)
    {
        await using var test = await StartAsync();
        using var admin = await ConnectAsync(test, MqttProtocolVersion.V500, "admin");
        await PublishAsync(admin, "a/secret", "retained secret", retain: true);
        await PublishAsync(admin, "a/open", "retained open", retain: true);

        using var alice = await ConnectAsync(test, version, "alice");
        var (received, marker) = Collect(alice, "a/marker");
        var granted = await alice.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("a/#", MqttQualityOfServiceLevel.AtLeastOnce).Build()).WaitAsync(TestServers.Timeout);
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, Assert.Single(granted.Items).ResultCode);

        await PublishAsync(admin, "a/secret", "live secret");
        await PublishAsync(admin, "a/open", "live open");
        await PublishAsync(admin, "a/marker", "end");
        await marker.Task.WaitAsync(TestServers.Timeout);
        lock (received)
        {
            Assert.Equal(["a/open=retained open (retained)", "a/open=live open", "a/marker=end"], received);
        }

        await PublishAsync(admin, "a/secret", "", retain: true);
        await PublishAsync(admin, "a/open", "", retain: true);
    }

    [Fact]
    public async Task Reloaded_acl_applies_to_existing_subscriptions()
    {
        await using var test = await StartAsync();
        using var admin = await ConnectAsync(test, MqttProtocolVersion.V500, "admin");
        using var alice = await ConnectAsync(test, MqttProtocolVersion.V500, "alice");
        var (received, marker) = Collect(alice, "a/marker");
        await alice.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("a/#").Build()).WaitAsync(TestServers.Timeout);

        await File.WriteAllTextAsync(test.AclFile, Acl + "\ntopic deny a/open\n");
        Assert.True(test.Server!.ReloadSecurity());
        await PublishAsync(admin, "a/open", "now denied");
        await PublishAsync(admin, "a/marker", "end");
        await marker.Task.WaitAsync(TestServers.Timeout);
        Assert.Equal(["a/marker=end"], received);
    }
}
