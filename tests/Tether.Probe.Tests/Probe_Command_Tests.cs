using System.Text.Json;
using Tether.Probe.Tests.Support;
using Tether.Server;

namespace Tether.Probe.Tests;

/// <summary><c>tether probe</c> as a process: help, exit codes, the timeline and --json.</summary>
public class Probe_Command_Tests
{
    [Fact]
    public async Task Help_lists_the_options_and_the_exit_codes()
    {
        var (exitCode, stdout, _) = await TetherCli.RunAsync("probe", "--help");
        Assert.Equal(0, exitCode);
        foreach (var text in new[] { "tether probe <URL> [options]", "--duration", "--keepalive", "--profile", "strict-websocket", "lenient", "--json", "-u, --username", "--cafile", "Exit codes:", "  0  ", "  1  ", "  2  " })
        {
            Assert.Contains(text, stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_broker_help_lists_probe()
    {
        var (exitCode, stdout, _) = await TetherCli.RunAsync("--help");
        Assert.Equal(0, exitCode);
        Assert.Contains("probe", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("probe")]
    [InlineData("probe", "http://example.com")]
    [InlineData("probe", "ws://127.0.0.1:9001", "--profile", "paho")]
    [InlineData("probe", "ws://127.0.0.1:9001", "--duration", "soon")]
    [InlineData("probe", "ws://127.0.0.1:9001", "-V", "4")]
    public async Task Usage_errors_exit_2(params string[] args)
    {
        var (exitCode, _, stderr) = await TetherCli.RunAsync(args);
        Assert.Equal(2, exitCode);
        Assert.StartsWith("Error: ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_connection_exits_2_and_says_why()
    {
        int port;
        await using (var server = await TetherBroker.StartAsync(ListenerProtocol.Mqtt))
        {
            port = server.Port();
        }

        var (exitCode, _, stderr) = await TetherCli.RunAsync("probe", $"mqtt://127.0.0.1:{port}", "--duration", "1");
        Assert.Equal(2, exitCode);
        Assert.Contains("connection refused", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Against_tether_the_timeline_ends_with_a_clean_verdict_and_exit_0()
    {
        await using var server = await TetherBroker.StartAsync(ListenerProtocol.WebSockets);
        var url = $"ws://127.0.0.1:{server.Port()}/mqtt";

        var (exitCode, stdout, stderr) = await TetherCli.RunAsync("probe", url, "--duration", "4", "--keepalive", "2");
        Assert.True(exitCode == 0, stdout + stderr);
        Assert.Contains("-> mqtt      CONNECT", stdout, StringComparison.Ordinal);
        Assert.Contains("<- mqtt      CONNACK", stdout, StringComparison.Ordinal);
        Assert.Contains("Verdict: connection held for 4 s, 2 keepalive round trips, no WebSocket control frames", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_is_one_object_with_verdict_counts_and_events()
    {
        await using var server = await TetherBroker.StartAsync(ListenerProtocol.WebSockets);
        var url = $"ws://127.0.0.1:{server.Port()}/mqtt";

        var (exitCode, stdout, stderr) = await TetherCli.RunAsync("probe", url, "--duration", "4", "-k", "2", "--json", "--profile", "lenient", "-V", "5");
        Assert.True(exitCode == 0, stdout + stderr);
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        Assert.Equal("held", root.GetProperty("outcome").GetString());
        Assert.Equal(0, root.GetProperty("exitCode").GetInt32());
        Assert.Equal("lenient", root.GetProperty("profile").GetString());
        Assert.Equal("5.0", root.GetProperty("protocolVersion").GetString());
        Assert.Equal(2, root.GetProperty("pingsAnswered").GetInt32());
        Assert.Equal(0, root.GetProperty("findings").GetArrayLength());
        var events = root.GetProperty("events").EnumerateArray().ToList();
        Assert.Contains(events, e => e.GetProperty("name").GetString() == "CONNACK" && e.GetProperty("direction").GetString() == "received");
        Assert.Contains(events, e => e.GetProperty("name").GetString() == "BINARY" && e.GetProperty("layer").GetString() == "websocket");
    }
}
