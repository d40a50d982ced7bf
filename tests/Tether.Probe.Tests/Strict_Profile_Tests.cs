using Tether.Probe.Tests.Support;
using Tether.Protocol;

namespace Tether.Probe.Tests;

/// <summary>The strict-websocket profile judges frames like Paho Java 1.2.5: only BINARY and CLOSE are survivable.</summary>
public class Strict_Profile_Tests
{
    [Fact]
    public async Task A_ping_at_300_seconds_is_named_with_its_time_and_the_clients_that_drop_on_it()
    {
        await using var broker = FakeWebSocketBroker.Start();
        var probe = FakeTimeProbe.Start(broker, ProbeProfile.StrictWebSocket, durationSeconds: 600, keepAliveSeconds: 60);
        await probe.SubscribedAsync();

        await probe.AdvanceWithPingsAsync(60, 0, 300);
        await broker.SendFrameAsync(WebSocketOpcode.Ping, []); // what Mosquitto 2.0.11 does 300 s after the upgrade
        await probe.Events.WaitForReceivedAsync("PING");
        await probe.AdvanceWithPingsAsync(60, 300, 600);

        var result = await probe.ResultAsync();
        Assert.Equal(ProbeOutcome.Problem, result.Outcome);
        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("the broker sent a WebSocket PING at 300.0 s: Paho Java ≤ 1.2.5 and other clients that reject control frames disconnect here", result.Verdict, StringComparison.Ordinal);
        Assert.Equal(10, result.PingsSent);
        Assert.Equal(10, result.PingsAnswered);
        var ping = Assert.Single(result.Events, e => e.Name == "PING");
        Assert.Equal(300.0, ping.Seconds);
        Assert.NotNull(ping.Problem);

        // Paho never answers a PING, and neither does the strict profile; it still closes politely at the end.
        Assert.DoesNotContain(broker.Frames, f => f.Opcode == WebSocketOpcode.Pong);
        Assert.Equal([PacketType.Connect, PacketType.Subscribe, .. Enumerable.Repeat(PacketType.PingReq, 10), PacketType.Disconnect], broker.Packets);
        Assert.Equal(WebSocketOpcode.Close, broker.Frames[^1].Opcode);
        Assert.Equal([0x03, 0xE8], broker.Frames[^1].Payload);
    }

    [Fact]
    public async Task An_unsolicited_pong_is_named_with_its_time()
    {
        await using var broker = FakeWebSocketBroker.Start();
        var probe = FakeTimeProbe.Start(broker, ProbeProfile.StrictWebSocket, durationSeconds: 180, keepAliveSeconds: 60);
        await probe.SubscribedAsync();

        await probe.AdvanceWithPingsAsync(60, 0, 120);
        await broker.SendFrameAsync(WebSocketOpcode.Pong, []); // what ASP.NET Core's default KeepAliveInterval does at 120 s
        await probe.Events.WaitForReceivedAsync("PONG");
        await probe.AdvanceWithPingsAsync(60, 120, 180);

        var result = await probe.ResultAsync();
        Assert.Equal(ProbeOutcome.Problem, result.Outcome);
        Assert.StartsWith("the broker sent an unsolicited WebSocket PONG at 120.0 s: Paho Java ≤ 1.2.5", result.Verdict, StringComparison.Ordinal);
        Assert.Equal(3, result.PingsAnswered);
    }

    [Fact]
    public async Task A_fragmented_message_is_fatal_for_paho_though_its_packet_is_still_read()
    {
        await using var broker = FakeWebSocketBroker.Start(new BrokerBehaviour { FragmentConnAck = true });
        var probe = FakeTimeProbe.Start(broker, ProbeProfile.StrictWebSocket, durationSeconds: 60, keepAliveSeconds: 60);
        await probe.SubscribedAsync();
        await probe.AdvanceWithPingsAsync(60, 0, 60);

        var result = await probe.ResultAsync();
        Assert.Equal(ProbeOutcome.Problem, result.Outcome);
        Assert.StartsWith("the broker fragmented a WebSocket message (CONTINUATION frame at 0.0 s)", result.Verdict, StringComparison.Ordinal);
        Assert.Contains(result.Events, e => e.Name == "CONNACK");
    }

    [Fact]
    public async Task Without_control_frames_the_connection_holds_cleanly()
    {
        await using var broker = FakeWebSocketBroker.Start(new BrokerBehaviour { PublishAfterSubAck = true });
        var probe = FakeTimeProbe.Start(broker, ProbeProfile.StrictWebSocket, durationSeconds: 600, keepAliveSeconds: 60);
        await probe.Events.WaitForReceivedAsync("PUBLISH");
        await probe.AdvanceWithPingsAsync(60, 0, 600);

        var result = await probe.ResultAsync();
        Assert.Equal(ProbeOutcome.Held, result.Outcome);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("connection held for 600 s, 10 keepalive round trips, no WebSocket control frames", result.Verdict);
        Assert.Empty(result.Findings);
        Assert.Equal(600.0, result.HeldSeconds);
        Assert.Contains(result.Events, e => e.Name == "PUBLISH" && e.Detail == "a/b (QoS 0, retained, 2 bytes: \"hi\")");
    }
}
