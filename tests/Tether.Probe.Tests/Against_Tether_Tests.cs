using Tether.Probe.Tests.Support;
using Tether.Server;

namespace Tether.Probe.Tests;

/// <summary>The probe against a real Tether on loopback, real clock: a short hold must be clean on every transport.</summary>
public class Against_Tether_Tests
{
    [Theory]
    [InlineData(ProbeProfileNames.StrictWebSocket, "311")]
    [InlineData(ProbeProfileNames.Lenient, "5")]
    public async Task Tether_over_websocket_holds_cleanly(string profileName, string version)
    {
        var profile = profileName == ProbeProfileNames.Lenient ? ProbeProfile.Lenient : ProbeProfile.StrictWebSocket;
        await using var server = await TetherBroker.StartAsync(ListenerProtocol.WebSockets);
        var result = await ProbeAsync($"ws://127.0.0.1:{server.Port()}/mqtt", profile, version);

        Assert.True(result.Outcome == ProbeOutcome.Held, result.Verdict + "\n" + string.Join("\n", result.Events));
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("connection held for 4 s, 2 keepalive round trips, no WebSocket control frames", result.Verdict);
        Assert.Equal(2, result.PingsAnswered);
        Assert.Empty(result.Findings);
        Assert.DoesNotContain(result.Events, e => e.Direction == ProbeDirection.Received && e.Name is "PING" or "PONG" or "TEXT");

        // The broker answers our close with its own (close handshake, RFC 6455 §5.5.1).
        Assert.Equal("CLOSE", result.Events[^1].Name);
        Assert.Equal(ProbeDirection.Received, result.Events[^1].Direction);
    }

    [Fact]
    public async Task Tether_over_tcp_holds_cleanly()
    {
        await using var server = await TetherBroker.StartAsync(ListenerProtocol.Mqtt);
        var result = await ProbeAsync($"mqtt://127.0.0.1:{server.Port()}", ProbeProfile.StrictWebSocket, "311");

        Assert.True(result.Outcome == ProbeOutcome.Held, result.Verdict + "\n" + string.Join("\n", result.Events));
        Assert.Equal("connection held for 4 s, 2 keepalive round trips, no disconnect", result.Verdict);
        Assert.Equal(2, result.PingsAnswered);
        Assert.Contains(result.Events, e => e.Name == "SUBACK" && e.Detail == "packet id 1, 0x00 success / granted QoS 0");
    }

    [Fact]
    public async Task A_port_nobody_listens_on_is_a_connect_error()
    {
        int port;
        await using (var server = await TetherBroker.StartAsync(ListenerProtocol.Mqtt))
        {
            port = server.Port();
        }

        var result = await ProbeAsync($"mqtt://127.0.0.1:{port}", ProbeProfile.StrictWebSocket, "311");
        Assert.Equal(ProbeOutcome.ConnectFailed, result.Outcome);
        Assert.Contains("connection refused", result.Verdict, StringComparison.Ordinal);
    }

    private static async Task<ProbeResult> ProbeAsync(string url, ProbeProfile profile, string version)
    {
        var options = new ProbeOptions
        {
            Target = ProbeTarget.TryParse(url, out _)!,
            Profile = profile,
            // Keep alive 2 s, not 1 s: the broker closes after 1.5 × keep alive (checked every 250 ms), and a
            // PINGREQ delayed by a busy test run must not look like a dropped connection.
            Duration = TimeSpan.FromSeconds(4),
            KeepAlive = TimeSpan.FromSeconds(2),
            ProtocolVersion = version == "5" ? Protocol.ProtocolVersion.V500 : Protocol.ProtocolVersion.V311,
        };
        return await new ProbeEngine(options).RunAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
    }
}
