using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Tether.Server.Tests.Hosting;

namespace Tether.Server.Tests.Logging;

/// <summary>
/// Mosquitto's per-packet debug lines and log_type selection. The expected lines are what Debian's Mosquitto 2.0.11
/// wrote for the same exchange (mosquitto -v, driven by mosquitto_sub and mosquitto_pub).
/// </summary>
public sealed class Debug_Log_Lines_Tests
{
    [Fact]
    public async Task Log_type_all_writes_mosquittos_packet_lines_for_each_client()
    {
        var recorder = new LogRecorder();
        var log = recorder.Lines;
        var configuration = TestServers.Loopback() with { Logging = LoggingSettings.Default with { Types = MosquittoLogTypes.All } };
        await using var server = await recorder.StartAsync(configuration);

        using var subscriber = await ConnectAsync(server, "subby");
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        subscriber.ApplicationMessageReceivedAsync += _ =>
        {
            received.TrySetResult();
            return Task.CompletedTask;
        };
        await subscriber.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter("a/#", MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTopicFilter("b", MqttQualityOfServiceLevel.AtLeastOnce)
            .Build()).WaitAsync(TestServers.Timeout);

        using (var publisher = await ConnectAsync(server, "pubby"))
        {
            await publisher.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("a/b").WithPayload("hello").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build()).WaitAsync(TestServers.Timeout);
            await publisher.DisconnectAsync().WaitAsync(TestServers.Timeout);
        }

        await received.Task.WaitAsync(TestServers.Timeout);
        await subscriber.PingAsync().WaitAsync(TestServers.Timeout);
        await subscriber.UnsubscribeAsync("b").WaitAsync(TestServers.Timeout);
        await subscriber.DisconnectAsync().WaitAsync(TestServers.Timeout);
        await recorder.WaitForLineAsync("Client subby ");
        await recorder.WaitForLineAsync("Client pubby ");

        Assert.Equal(
            [
                "Sending CONNACK to pubby (0, 0)",
                "Received PUBLISH from pubby (d0, q1, r0, m1, 'a/b', ... (5 bytes))",
                "Sending PUBACK to pubby (m1, rc0)",
                "Received DISCONNECT from pubby",
            ],
            PacketLines(log, "pubby"));
        Assert.Equal(
            [
                "Sending CONNACK to subby (0, 0)",
                "Received SUBSCRIBE from subby",
                "subby 1 a/#",
                "subby 1 b",
                "Sending SUBACK to subby",
                "Sending PUBLISH to subby (d0, q1, r0, m1, 'a/b', ... (5 bytes))",
                "Received PUBACK from subby (Mid: 1, RC:0)",
                "Received PINGREQ from subby",
                "Sending PINGRESP to subby",
                "Received UNSUBSCRIBE from subby",
                "subby b",
                "Sending UNSUBACK to subby",
                "Received DISCONNECT from subby",
            ],
            PacketLines(log, "subby"));

        // The lines without a client id, in Mosquitto's words.
        Assert.Contains("No will message specified.", log);
        Assert.Contains("\ta/# (QoS 1)", log);
        Assert.Contains("\tb (QoS 1)", log);
        Assert.Contains("\tb", log);

        // The connect line comes first and is unchanged.
        var subbyLines = log.Where(l => l.Contains("subby", StringComparison.Ordinal)).ToList();
        Assert.StartsWith("New client connected from 127.0.0.1:", subbyLines[0], StringComparison.Ordinal);
        Assert.EndsWith(" as subby (p2, c1, k60).", subbyLines[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task QoS_2_and_a_will_are_logged_like_mosquitto()
    {
        var recorder = new LogRecorder();
        var log = recorder.Lines;
        var configuration = TestServers.Loopback() with { Logging = LoggingSettings.Default with { Types = MosquittoLogTypes.All } };
        await using var server = await recorder.StartAsync(configuration);

        using var subscriber = await ConnectAsync(server, "sub2", will: true);
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        subscriber.ApplicationMessageReceivedAsync += _ =>
        {
            received.TrySetResult();
            return Task.CompletedTask;
        };
        await subscriber.SubscribeAsync("q2", MqttQualityOfServiceLevel.ExactlyOnce).WaitAsync(TestServers.Timeout);
        using (var publisher = await ConnectAsync(server, "p2"))
        {
            await publisher.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("q2").WithPayload("x").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.ExactlyOnce).Build()).WaitAsync(TestServers.Timeout);
            await publisher.DisconnectAsync().WaitAsync(TestServers.Timeout);
        }

        await received.Task.WaitAsync(TestServers.Timeout);
        await recorder.WaitForLineAsync("Received PUBCOMP from sub2");
        await recorder.WaitForLineAsync("Client p2 ");

        Assert.Equal(
            [
                "Sending CONNACK to p2 (0, 0)",
                "Received PUBLISH from p2 (d0, q2, r0, m1, 'q2', ... (1 bytes))",
                "Sending PUBREC to p2 (m1, rc0)",
                "Received PUBREL from p2 (Mid: 1)",
                "Sending PUBCOMP to p2 (m1)",
                "Received DISCONNECT from p2",
            ],
            PacketLines(log, "p2"));
        Assert.Equal(
            [
                "Sending CONNACK to sub2 (0, 0)",
                "Received SUBSCRIBE from sub2",
                "sub2 2 q2",
                "Sending SUBACK to sub2",
                "Sending PUBLISH to sub2 (d0, q2, r0, m1, 'q2', ... (1 bytes))",
                "Received PUBREC from sub2 (Mid: 1)",
                "Sending PUBREL to sub2 (m1)",
                "Received PUBCOMP from sub2 (Mid: 1, RC:0)",
            ],
            PacketLines(log, "sub2"));
        Assert.Contains("Will message specified (3 bytes) (r0, q0).", log);
        Assert.Contains("\tw/t", log);
    }

    [Fact]
    public async Task Default_log_types_write_no_debug_lines_and_subscribe_alone_writes_only_its_lines()
    {
        foreach (var (types, expectDebug, expectSubscribe, expectConnect) in new[]
        {
            (MosquittoLogTypes.Default, false, false, true),
            (MosquittoLogTypes.Subscribe, false, true, false),
            (MosquittoLogTypes.Debug | MosquittoLogTypes.Error, true, false, false),
        })
        {
            var log = new ConcurrentQueue<string>();
            var configuration = TestServers.Loopback() with { Logging = LoggingSettings.Default with { Types = types } };
            await using var server = await TestServers.StartAsync(configuration, log);
            using var client = await ConnectAsync(server, "quiet");
            await client.SubscribeAsync("t/#", MqttQualityOfServiceLevel.AtLeastOnce).WaitAsync(TestServers.Timeout);
            await client.PingAsync().WaitAsync(TestServers.Timeout);
            await client.DisconnectAsync().WaitAsync(TestServers.Timeout);
            await server.StopAsync(CancellationToken.None).WaitAsync(TestServers.Timeout);

            Assert.Equal(expectDebug, log.Contains("Received SUBSCRIBE from quiet"));
            Assert.Equal(expectSubscribe, log.Contains("quiet 1 t/#"));
            Assert.Equal(expectConnect, log.Any(l => l.StartsWith("New client connected", StringComparison.Ordinal)));
            var port = server.EndPoint().Port;
            Assert.Equal(expectConnect, log.Any(l => System.Text.RegularExpressions.Regex.IsMatch(l, $@"^New connection from 127\.0\.0\.1:\d+ on port {port}\.$")));
        }
    }

    [Fact]
    public void A_disabled_debug_level_is_refused_without_allocating()
    {
        using var services = new ServiceCollection()
            .AddLogging(logging =>
            {
                logging.AddProvider(new LogRecorder());
                MosquittoLogFilter.Apply(logging, LoggingSettings.Default);
            })
            .BuildServiceProvider();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(Tether.Broker.BrokerLogCategories.Broker);
        Assert.False(logger.IsEnabled(LogLevel.Debug));
        Assert.True(logger.IsEnabled(LogLevel.Information));

        var before = GC.GetAllocatedBytesForCurrentThread();
        var enabled = 0;
        for (var i = 0; i < 10_000; i++)
        {
            enabled += logger.IsEnabled(LogLevel.Debug) ? 1 : 0;
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(0, enabled);
    }

    [Fact]
    public void Log_types_select_levels_and_categories()
    {
        var debugAndError = LoggingSettings.Default with { Types = MosquittoLogTypes.Debug | MosquittoLogTypes.Error };
        Assert.True(debugAndError.AllowsLevel(LogLevel.Debug));
        Assert.True(debugAndError.AllowsLevel(LogLevel.Error));
        Assert.False(debugAndError.AllowsLevel(LogLevel.Information));
        Assert.False(debugAndError.AllowsLevel(LogLevel.Warning));

        using var services = new ServiceCollection()
            .AddLogging(logging =>
            {
                logging.AddProvider(new LogRecorder());
                MosquittoLogFilter.Apply(logging, LoggingSettings.Default with { Types = MosquittoLogTypes.Unsubscribe | MosquittoLogTypes.WebSockets });
            })
            .BuildServiceProvider();
        var factory = services.GetRequiredService<ILoggerFactory>();
        Assert.True(factory.CreateLogger(MosquittoLogFilter.UnsubscribeCategory).IsEnabled(LogLevel.Information));
        Assert.False(factory.CreateLogger(MosquittoLogFilter.SubscribeCategory).IsEnabled(LogLevel.Information));
        Assert.True(factory.CreateLogger(MosquittoLogFilter.WebSocketsCategory).IsEnabled(LogLevel.Debug));
        Assert.False(factory.CreateLogger(Tether.Broker.BrokerLogCategories.Broker).IsEnabled(LogLevel.Information));
    }

    private static List<string> PacketLines(ConcurrentQueue<string> log, string clientId) =>
        log.Where(l => (l.Contains($" {clientId} ", StringComparison.Ordinal) || l.EndsWith($" {clientId}", StringComparison.Ordinal) || l.StartsWith($"{clientId} ", StringComparison.Ordinal))
                && !l.StartsWith("New client connected", StringComparison.Ordinal)
                && !l.StartsWith($"Client {clientId} ", StringComparison.Ordinal))
            .ToList();

    private static async Task<IMqttClient> ConnectAsync(TetherServer server, string clientId, bool will = false)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var endPoint = server.EndPoint();
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(endPoint.Address.ToString(), endPoint.Port)
            .WithProtocolVersion(MqttProtocolVersion.V311)
            .WithClientId(clientId)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(60))
            .WithTimeout(TestServers.Timeout);
        if (will)
        {
            builder = builder.WithWillTopic("w/t").WithWillPayload("bye"u8.ToArray());
        }

        await client.ConnectAsync(builder.Build()).WaitAsync(TestServers.Timeout);
        return client;
    }
}
