using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using MQTTnet;
using MQTTnet.Formatter;
using Tether.Server.Tests.Hosting;

namespace Tether.Server.Tests.Logging;

/// <summary>log_dest syslog (RFC 3164 datagrams on a Unix socket), log_facility and log_dest topic ($SYS/broker/log/...).</summary>
public sealed partial class Syslog_and_Topic_Destination_Tests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("tether-syslog-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public void Log_dest_syslog_topic_and_log_facility_are_read()
    {
        var logging = MosquittoConfigParser.Parse("log_dest syslog\nlog_dest topic\nlog_facility 5\n", "mosquitto.conf").Logging;
        Assert.Equal([new LogDestination(LogDestinationKind.Syslog, "/dev/log"), new LogDestination(LogDestinationKind.Topic)], logging.Destinations);
        Assert.Equal(21, logging.SyslogFacility); // local5
        Assert.Equal(3, MosquittoConfigParser.Parse("log_dest syslog\n", "mosquitto.conf").Logging.SyslogFacility); // daemon
    }

    [Theory]
    [InlineData(null, 3)]
    [InlineData(5, 21)]
    public async Task Syslog_lines_are_RFC_3164_datagrams_with_mosquittos_priorities(int? localFacility, int facility)
    {
        var socketPath = Path.Combine(_directory.FullName, "log");
        using var syslog = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        syslog.Bind(new UnixDomainSocketEndPoint(socketPath));
        var logging = LoggingSettings.Default with
        {
            Destinations = [new LogDestination(LogDestinationKind.Syslog, socketPath)],
            Timestamp = false,
            SyslogFacility = localFacility is { } n ? 16 + n : 3,
        };
        await using var server = new TetherServer(TestServers.Loopback() with { Logging = logging });
        await server.StartAsync(CancellationToken.None).WaitAsync(TestServers.Timeout);

        // "tether version ... starting" is information (6); "Opening ipv4 listen socket" a notice (5), as in Mosquitto.
        var first = await ReceiveAsync(syslog);
        var match = Rfc3164().Match(first);
        Assert.True(match.Success, first);
        Assert.Equal((facility * 8) + 6, int.Parse(match.Groups["pri"].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal($"tether[{Environment.ProcessId}]", match.Groups["tag"].Value);
        Assert.Equal("tether version 0.1.0 starting", match.Groups["msg"].Value);

        string line;
        var count = 0;
        do
        {
            line = await ReceiveAsync(syslog);
        }
        while (!line.Contains("Opening ipv4 listen socket", StringComparison.Ordinal) && ++count < 20);
        Assert.StartsWith($"<{(facility * 8) + 5}>", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Log_dest_syslog_without_a_syslog_socket_stops_start_up_clearly()
    {
        var missing = Path.Combine(_directory.FullName, "no-syslog-here");
        var logging = LoggingSettings.Default with { Destinations = [new LogDestination(LogDestinationKind.Syslog, missing)] };
        var error = Assert.Throws<IOException>(() => new TetherServer(TestServers.Loopback() with { Logging = logging }));
        Assert.Contains($"log_dest syslog: cannot reach the syslog socket {missing}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Log_dest_topic_publishes_lines_under_SYS_broker_log_by_type()
    {
        var logging = LoggingSettings.Default with
        {
            Destinations = [new LogDestination(LogDestinationKind.Topic)],
            Types = MosquittoLogTypes.All,
            Timestamp = false,
        };
        await using var server = new TetherServer(TestServers.Loopback() with { Logging = logging });
        await server.StartAsync(CancellationToken.None).WaitAsync(TestServers.Timeout);
        var endPoint = server.EndPoint();

        using var watcher = new MqttClientFactory().CreateMqttClient();
        var received = new ConcurrentQueue<(string Topic, string Payload)>();
        var gotConnect = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        watcher.ApplicationMessageReceivedAsync += e =>
        {
            var payload = Encoding.UTF8.GetString(e.ApplicationMessage.Payload);
            received.Enqueue((e.ApplicationMessage.Topic, payload));
            if (payload.StartsWith("New client connected", StringComparison.Ordinal) && payload.Contains(" as second ", StringComparison.Ordinal))
            {
                gotConnect.TrySetResult();
            }

            return Task.CompletedTask;
        };
        await watcher.ConnectAsync(Options(endPoint, "watcher")).WaitAsync(TestServers.Timeout);
        var subscribed = await watcher.SubscribeAsync("$SYS/broker/log/#").WaitAsync(TestServers.Timeout);
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS0, subscribed.Items.First().ResultCode);

        using var second = new MqttClientFactory().CreateMqttClient();
        await second.ConnectAsync(Options(endPoint, "second")).WaitAsync(TestServers.Timeout);
        await gotConnect.Task.WaitAsync(TestServers.Timeout);

        Assert.Contains(received, m => m.Topic == "$SYS/broker/log/N" && m.Payload.StartsWith("New client connected from 127.0.0.1:", StringComparison.Ordinal) && m.Payload.EndsWith(" as second (p2, c1, k60).", StringComparison.Ordinal));
        Assert.Contains(received, m => m.Topic == "$SYS/broker/log/M/subscribe" && m.Payload == "watcher 0 $SYS/broker/log/#");

        // Debug lines are not published (each publish would log another), though log_type all writes them elsewhere.
        Assert.DoesNotContain(received, m => m.Topic == "$SYS/broker/log/D");
        await second.DisconnectAsync().WaitAsync(TestServers.Timeout);
        await watcher.DisconnectAsync().WaitAsync(TestServers.Timeout);
    }

    private static MqttClientOptions Options(System.Net.IPEndPoint endPoint, string clientId) => new MqttClientOptionsBuilder()
        .WithTcpServer(endPoint.Address.ToString(), endPoint.Port)
        .WithProtocolVersion(MqttProtocolVersion.V311)
        .WithClientId(clientId)
        .WithKeepAlivePeriod(TimeSpan.FromSeconds(60))
        .WithTimeout(TestServers.Timeout)
        .Build();

    private static async Task<string> ReceiveAsync(Socket socket)
    {
        var buffer = new byte[2048];
        var n = await socket.ReceiveAsync(buffer.AsMemory()).AsTask().WaitAsync(TestServers.Timeout);
        return Encoding.UTF8.GetString(buffer, 0, n);
    }

    [GeneratedRegex(@"^<(?<pri>\d+)>(?<stamp>[A-Z][a-z]{2} [ 1-3]\d \d\d:\d\d:\d\d) (?<tag>[^:]+): (?<msg>.*)$")]
    private static partial Regex Rfc3164();
}
