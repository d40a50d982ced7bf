using Microsoft.Extensions.Logging;
using Tether.Bench;
using Tether.Protocol;
using Tether.Server;

namespace Tether.Bench.Tests;

/// <summary>Runs the bench engine against a real Tether on 127.0.0.1 and checks its accounting.</summary>
public class EndToEndTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Pairs_at_QoS_1_receive_everything_sent_exactly_once()
    {
        await using var server = await StartAsync();
        var options = Options(server) with { Scenario = BenchScenario.Pairs, Pairs = 3, Window = 100, QoS = QualityOfService.AtLeastOnce };

        var report = await BenchRunner.RunAsync(options, TextWriter.Null, CancellationToken.None).WaitAsync(Timeout);

        Assert.True(report.Expected > 0, "nothing was sent");
        Assert.Equal(report.Expected, report.Received);
        Assert.Equal(0, report.Lost);
        Assert.Equal(0, report.Duplicates);
        Assert.Equal(0, report.Reordered);
        Assert.Equal(0, report.Foreign);
        Assert.True(report.SentPerSecond > 0 && report.ReceivedPerSecond > 0);
        Assert.True(report.LatencySamples > 0);
        Assert.True(report.LatencyP50 <= report.LatencyP99 && report.LatencyP99 <= report.LatencyMax);
    }

    [Fact]
    public async Task Fanin_at_QoS_0_over_a_wildcard_counts_every_publisher()
    {
        await using var server = await StartAsync();
        var options = Options(server) with { Scenario = BenchScenario.FanIn, Publishers = 5, Window = 500, Version = ProtocolVersion.V500 };

        var report = await BenchRunner.RunAsync(options, TextWriter.Null, CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(5, report.PublisherCount);
        Assert.Equal(1, report.SubscriberCount);
        Assert.True(report.Expected > 0, "nothing was sent");
        Assert.Equal(report.Expected, report.Received);
        Assert.Equal(0, report.Duplicates);
    }

    [Fact]
    public async Task Fanout_delivers_each_message_to_every_subscriber()
    {
        await using var server = await StartAsync();
        var options = Options(server) with { Scenario = BenchScenario.FanOut, Subscribers = 4, Rate = 500 };

        var report = await BenchRunner.RunAsync(options, TextWriter.Null, CancellationToken.None).WaitAsync(Timeout);

        Assert.True(report.Expected > 0, "nothing was sent");
        Assert.Equal(report.Expected, report.Received);

        // At a fixed rate the subscribers together receive four times what the publisher sends.
        Assert.InRange(report.ReceivedPerSecond / report.SentPerSecond, 3.5, 4.5);
    }

    [Fact]
    public async Task Pairs_over_a_web_socket_receive_everything_sent()
    {
        await using var server = await StartAsync(ListenerProtocol.WebSockets);
        var port = server.BoundListeners[0].EndPoint.Port;
        Assert.True(BenchEndpoint.TryParse($"ws://127.0.0.1:{port}/mqtt", out var endpoint, out _));
        var options = Options(server) with { Endpoint = endpoint!, Pairs = 2, Window = 100, QoS = QualityOfService.AtLeastOnce };

        var report = await BenchRunner.RunAsync(options, TextWriter.Null, CancellationToken.None).WaitAsync(Timeout);

        Assert.True(report.Expected > 0, "nothing was sent");
        Assert.Equal(report.Expected, report.Received);
        Assert.Equal(0, report.Duplicates);
    }

    [Fact]
    public async Task Conn_opens_every_connection_and_reads_the_broker_memory()
    {
        await using var server = await StartAsync();
        var options = Options(server) with
        {
            Scenario = BenchScenario.Conn,
            Connections = 50,
            Duration = TimeSpan.Zero,
            BrokerPid = Environment.ProcessId,
        };

        var report = await ConnRunner.RunAsync(options, TextWriter.Null, CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(50, report.Opened);
        Assert.Equal(0, report.Failed);
        Assert.True(report.ConnectsPerSecond > 0);
        if (OperatingSystem.IsLinux())
        {
            Assert.NotNull(report.BytesPerConnection);
        }
    }

    [Fact]
    public async Task The_command_reports_a_refused_connection_as_an_error()
    {
        // A port nothing listens on: take one from a server, then stop it.
        int port;
        await using (var server = await StartAsync())
        {
            port = server.BoundListeners[0].EndPoint.Port;
        }

        var error = new StringWriter();
        var options = new BenchOptions { Endpoint = new BenchEndpoint("127.0.0.1", port, null), Progress = false };

        var exitCode = await BenchCommand.RunAsync(options, TextWriter.Null, error, CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(1, exitCode);
        Assert.StartsWith("Error: ", error.ToString(), StringComparison.Ordinal);
    }

    private static BenchOptions Options(TetherServer server) => new()
    {
        Endpoint = new BenchEndpoint("127.0.0.1", server.BoundListeners[0].EndPoint.Port, null),
        Duration = TimeSpan.FromSeconds(1),
        Warmup = TimeSpan.FromMilliseconds(200),
        Drain = TimeSpan.FromSeconds(10),
        Progress = false,
    };

    private static async Task<TetherServer> StartAsync(ListenerProtocol protocol = ListenerProtocol.Mqtt)
    {
        var configuration = new TetherConfiguration
        {
            Listeners = [new ListenerOptions { Port = 0, BindAddress = "127.0.0.1", Protocol = protocol }],
        };
        var server = new TetherServer(configuration, new TetherServerOptions
        {
            ShutdownTimeout = TimeSpan.FromSeconds(5),
            ConfigureLogging = logging => logging.ClearProviders(),
        });
        try
        {
            await server.StartAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }
}
