using System.Text;
using Microsoft.Extensions.Logging;
using Tether.Client;
using Tether.Protocol;
using Tether.Server;

namespace Tether.Cli.Tests;

/// <summary><c>tether pub</c> and <c>tether sub</c> run as processes against an in-process Tether, checked against mosquitto_pub/sub's behaviour.</summary>
public sealed class PubSubCommandTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tether-pubsub-").FullName;
    private TetherServer _server = null!;
    private int _port;
    private int _webSocketPort;

    public async Task InitializeAsync()
    {
        _server = await StartAsync(Broker.BrokerOptions.Default);
        _port = _server.BoundListeners[0].EndPoint.Port;
        _webSocketPort = _server.BoundListeners[1].EndPoint.Port;
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Theory]
    [InlineData("mqttv311", "0")]
    [InlineData("mqttv5", "1")]
    [InlineData("311", "2")]
    [InlineData("5", "2")]
    public async Task Pub_message_reaches_a_subscriber(string version, string qos)
    {
        await using var subscriber = await SubscribeAsync("cli/pub/#");
        var (exitCode, _, stderr) = await TetherProcess.RunAsync("pub", "-h", "127.0.0.1", "-p", Port, "-V", version, "-q", qos, "-t", "cli/pub/1", "-m", "hello there");
        Assert.True(exitCode == 0, stderr);
        var message = await NextAsync(subscriber);
        Assert.Equal(("cli/pub/1", "hello there"), (message.Topic, message.PayloadAsString()));
    }

    [Fact]
    public async Task Pub_sends_a_file_a_null_message_and_a_retained_message()
    {
        await using var subscriber = await SubscribeAsync("cli/kinds/#");
        var file = Path.Combine(_directory, "payload.bin");
        byte[] bytes = [0, 1, 2, 255, 10, 13];
        await File.WriteAllBytesAsync(file, bytes);
        Assert.Equal(0, (await TetherProcess.RunAsync("pub", "-p", Port, "-t", "cli/kinds/file", "-f", file)).ExitCode);
        Assert.Equal(bytes, (await NextAsync(subscriber)).Payload.ToArray());
        Assert.Equal(0, (await TetherProcess.RunAsync("pub", "-p", Port, "-t", "cli/kinds/null", "-n")).ExitCode);
        Assert.True((await NextAsync(subscriber)).Payload.IsEmpty);
        Assert.Equal(0, (await TetherProcess.RunAsync("pub", "-p", Port, "-t", "cli/kinds/kept", "-m", "r", "-r", "-q", "1")).ExitCode);
        Assert.False((await NextAsync(subscriber)).Retain); // live delivery clears the flag

        await using var late = await SubscribeAsync("cli/kinds/kept");
        var retained = await NextAsync(late);
        Assert.True(retained.Retain);
        Assert.Equal("r", retained.PayloadAsString());
    }

    [Fact]
    public async Task Sub_prints_topic_and_payload_with_v_and_exits_after_C_messages()
    {
        // A retained message is there before sub subscribes, so its arrival shows the subscription is in place.
        await PublishAsync("cli/sub/ready", "first", retain: true);
        using var sub = TetherProcess.Start("sub", "-p", Port, "-t", "cli/sub/#", "-v", "-C", "3");
        await sub.WaitForLineAsync(l => l == "cli/sub/ready first");
        await PublishAsync("cli/sub/a", "second");
        await PublishAsync("cli/sub/b", string.Empty);
        Assert.Equal(0, await sub.WaitForExitAsync());
        Assert.Equal("cli/sub/ready first\ncli/sub/a second\ncli/sub/b (null)\n", sub.StandardOutput);
    }

    [Fact]
    public async Task Sub_over_a_WebSocket_URL_without_v_prints_payloads_only()
    {
        await PublishAsync("cli/ws/ready", "one", retain: true);
        using var sub = TetherProcess.Start("sub", "-L", $"ws://127.0.0.1:{_webSocketPort}/mqtt", "-t", "cli/ws/#", "-C", "2", "-V", "mqttv5");
        await sub.WaitForLineAsync(l => l == "one");
        await PublishAsync("cli/ws/x", "two");
        Assert.Equal(0, await sub.WaitForExitAsync());
        Assert.Equal("one\ntwo\n", sub.StandardOutput);
    }

    [Fact]
    public async Task Pub_over_a_WebSocket_URL()
    {
        await using var subscriber = await SubscribeAsync("cli/wspub");
        var (exitCode, _, stderr) = await TetherProcess.RunAsync("pub", "-L", $"ws://127.0.0.1:{_webSocketPort}/mqtt", "-t", "cli/wspub", "-m", "via ws", "-q", "1");
        Assert.True(exitCode == 0, stderr);
        Assert.Equal("via ws", (await NextAsync(subscriber)).PayloadAsString());
    }

    [Fact]
    public async Task Pub_with_an_mqtt_URL_takes_the_topic_from_its_path()
    {
        await using var subscriber = await SubscribeAsync("cli/url/topic");
        Assert.Equal(0, (await TetherProcess.RunAsync("pub", "-L", $"mqtt://127.0.0.1:{_port}/cli/url/topic", "-m", "u")).ExitCode);
        Assert.Equal("cli/url/topic", (await NextAsync(subscriber)).Topic);
    }

    [Fact]
    public async Task Sub_W_times_out_with_exit_code_27()
    {
        var (exitCode, stdout, stderr) = await TetherProcess.RunAsync("sub", "-p", Port, "-t", "cli/nothing", "-W", "1");
        Assert.Equal(27, exitCode);
        Assert.Equal(string.Empty, stdout);
        Assert.Equal("Timed out\n", stderr);
    }

    [Theory]
    [InlineData("pub", "mqttv311", 5, "Connection error: Connection Refused: not authorised.\nError: The connection was refused.\n")]
    [InlineData("pub", "mqttv5", 135, "Connection error: Not authorized\nError: A network protocol error occurred when communicating with the broker.\n")]
    [InlineData("sub", "mqttv311", 5, "Connection error: Connection Refused: not authorised.\n")]
    [InlineData("sub", "mqttv5", 135, "Connection error: Not authorized\n")]
    public async Task A_refused_connection_exits_with_the_CONNACK_code(string command, string version, int expected, string message)
    {
        await using var strict = await StartAsync(Broker.BrokerOptions.Default with { ClientIdPrefixes = "allowed-" });
        var port = strict.BoundListeners[0].EndPoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string[] args = command == "pub" ? ["pub", "-p", port, "-V", version, "-t", "x", "-m", "y"] : ["sub", "-p", port, "-V", version, "-t", "x"];
        var (exitCode, _, stderr) = await TetherProcess.RunAsync(args);
        Assert.Equal(expected, exitCode);
        Assert.Equal(message, stderr);
    }

    [Theory]
    [InlineData("pub")]
    [InlineData("sub")]
    public async Task A_closed_port_is_exit_1_connection_refused(string command)
    {
        await using var stopped = await StartAsync(Broker.BrokerOptions.Default);
        var port = stopped.BoundListeners[0].EndPoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await stopped.StopAsync(CancellationToken.None);
        string[] args = command == "pub" ? ["pub", "-p", port, "-t", "x", "-m", "y"] : ["sub", "-p", port, "-t", "x"];
        var (exitCode, _, stderr) = await TetherProcess.RunAsync(args);
        Assert.Equal(1, exitCode);
        Assert.Equal("Error: Connection refused\n", stderr);
    }

    [Theory]
    [InlineData("Error: Invalid publish topic 'a/#', does it contain '+' or '#'?", "pub", "-t", "a/#", "-m", "x")]
    [InlineData("Error: Both topic and message must be supplied.", "pub", "-t", "a")]
    [InlineData("Error: Only one type of message can be sent at once.", "pub", "-t", "a", "-m", "x", "-n")]
    [InlineData("Error: Invalid QoS given: 3", "pub", "-t", "a", "-m", "x", "-q", "3")]
    [InlineData("Error: Invalid protocol version argument given.", "sub", "-t", "a", "-V", "7")]
    [InlineData("Error: Invalid message count \"0\".", "sub", "-t", "a", "-C", "0")]
    [InlineData("Error: You must specify a topic to subscribe to.", "sub")]
    public async Task Usage_errors_exit_1_with_mosquittos_wording(string message, params string[] args)
    {
        var (exitCode, _, stderr) = await TetherProcess.RunAsync(args);
        Assert.Equal(1, exitCode);
        Assert.Equal($"{message}\n\nUse 'tether {args[0]} --help' to see usage.\n", stderr);
    }

    [Theory]
    [InlineData("pub")]
    [InlineData("sub")]
    public async Task Version_and_help(string command)
    {
        var version = await TetherProcess.RunAsync(command, "--version");
        Assert.Equal(0, version.ExitCode);
        Assert.StartsWith($"tether {command} version ", version.StandardOutput, StringComparison.Ordinal);

        var help = await TetherProcess.RunAsync(command, "--help");
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("-h, --host", help.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("-t, --topic", help.StandardOutput, StringComparison.Ordinal);
    }

    private string Port => _port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<TetherServer> StartAsync(Broker.BrokerOptions broker)
    {
        var server = new TetherServer(
            new TetherConfiguration
            {
                Broker = broker,
                Listeners =
                [
                    new ListenerOptions { Port = 0, BindAddress = "127.0.0.1" },
                    new ListenerOptions { Port = 0, BindAddress = "127.0.0.1", Protocol = ListenerProtocol.WebSockets },
                ],
            },
            new TetherServerOptions { ShutdownTimeout = TimeSpan.FromSeconds(2), ConfigureLogging = logging => logging.ClearProviders() });
        await server.StartAsync(CancellationToken.None).WaitAsync(TetherProcess.Timeout);
        return server;
    }

    private async Task<MqttClient> SubscribeAsync(string filter)
    {
        var client = new MqttClient(MqttClientOptions.Default with { Port = _port, ClientId = "watch-" + Guid.NewGuid().ToString("N")[..8] });
        await client.ConnectAsync().WaitAsync(TetherProcess.Timeout);
        await client.SubscribeAsync(filter, QualityOfService.ExactlyOnce).WaitAsync(TetherProcess.Timeout);
        return client;
    }

    private async Task PublishAsync(string topic, string payload, bool retain = false)
    {
        await using var client = new MqttClient(MqttClientOptions.Default with { Port = _port });
        await client.ConnectAsync().WaitAsync(TetherProcess.Timeout);
        await client.PublishAsync(topic, Encoding.UTF8.GetBytes(payload), QualityOfService.AtLeastOnce, retain).WaitAsync(TetherProcess.Timeout);
    }

    private static async Task<MqttApplicationMessage> NextAsync(MqttClient client)
    {
        using var timeout = new CancellationTokenSource(TetherProcess.Timeout);
        await foreach (var message in client.ReadMessagesAsync(timeout.Token))
        {
            return message;
        }

        throw new TimeoutException("no message");
    }
}
