using Tether.Probe.Tests.Support;
using Tether.Protocol;

namespace Tether.Probe.Tests;

/// <summary>How a connection ended, and who ended it, is the verdict when nothing explains it earlier.</summary>
public class Connection_End_Tests
{
    [Fact]
    public async Task A_malformed_close_frame_is_named_and_answered_with_1002()
    {
        await using var broker = FakeWebSocketBroker.Start();
        var probe = FakeTimeProbe.Start(broker, ProbeProfile.StrictWebSocket, durationSeconds: 600, keepAliveSeconds: 60);
        await probe.SubscribedAsync();
        await probe.AdvanceWithPingsAsync(60, 0, 120);
        await broker.SendFrameAsync(WebSocketOpcode.Close, FakeTimeProbe.Ascii("1000")); // Paho Java's own close frame

        var result = await probe.ResultAsync();
        Assert.Equal(ProbeOutcome.Problem, result.Outcome);
        Assert.StartsWith("the broker closed the WebSocket at 120.0 s with a malformed close frame: the ASCII text \"1000\" instead of a 2-byte status code", result.Verdict, StringComparison.Ordinal);
        Assert.Equal(120.0, result.HeldSeconds);
        await broker.WaitForFrameAsync(WebSocketOpcode.Close);
        var reply = broker.Frames[^1];
        Assert.Equal(WebSocketOpcode.Close, reply.Opcode);
        Assert.Equal([0x03, 0xEA], reply.Payload); // 1002 protocol error
    }

    [Fact]
    public async Task A_close_frame_gives_its_code_and_reason()
    {
        await using var broker = FakeWebSocketBroker.Start();
        var probe = FakeTimeProbe.Start(broker, ProbeProfile.StrictWebSocket, durationSeconds: 600, keepAliveSeconds: 60);
        await probe.SubscribedAsync();
        await broker.SendFrameAsync(WebSocketOpcode.Close, [0x03, 0xE9, .. FakeTimeProbe.Ascii("bye")]);

        var result = await probe.ResultAsync();
        Assert.Equal(ProbeOutcome.Problem, result.Outcome);
        Assert.Equal("the broker closed the WebSocket at 0.0 s with code 1001 going away, reason \"bye\"", result.Verdict);
        await broker.WaitForFrameAsync(WebSocketOpcode.Close);
        Assert.Equal([0x03, 0xE9], broker.Frames[^1].Payload); // the code echoed (RFC 6455 §5.5.1)
    }

    [Fact]
    public async Task A_connection_dropped_without_close_frame_says_so()
    {
        await using var broker = FakeWebSocketBroker.Start();
        var probe = FakeTimeProbe.Start(broker, ProbeProfile.StrictWebSocket, durationSeconds: 600, keepAliveSeconds: 60);
        await probe.SubscribedAsync();
        await probe.AdvanceWithPingsAsync(60, 0, 60);
        await broker.DropConnectionAsync();

        var result = await probe.ResultAsync();
        Assert.Equal(ProbeOutcome.Problem, result.Outcome);
        Assert.Matches("^the broker (closed|reset) the TCP connection at 60.0 s", result.Verdict);
    }

    [Fact]
    public async Task A_missing_pingresp_is_a_failure_even_when_the_connection_stays_up()
    {
        await using var broker = FakeWebSocketBroker.Start(new BrokerBehaviour { AnswerPings = false });
        var probe = FakeTimeProbe.Start(broker, ProbeProfile.StrictWebSocket, durationSeconds: 60, keepAliveSeconds: 60);
        await probe.SubscribedAsync();
        probe.Time.Advance(TimeSpan.FromSeconds(60));
        await broker.WaitForPacketsAsync(PacketType.PingReq, 1);
        probe.Time.Advance(TimeSpan.FromSeconds(60)); // the one keep alive the probe waits for the answer

        var result = await probe.ResultAsync();
        Assert.Equal(ProbeOutcome.Problem, result.Outcome);
        Assert.StartsWith("no PINGRESP within the keep alive (60 s) for the PINGREQ sent at 60.0 s", result.Verdict, StringComparison.Ordinal);
        Assert.Equal(1, result.PingsSent);
        Assert.Equal(0, result.PingsAnswered);
    }

    [Fact]
    public async Task A_refused_connack_is_a_connect_error()
    {
        await using var broker = FakeWebSocketBroker.Start(new BrokerBehaviour { ConnAckReturnCode = 5 });
        var probe = FakeTimeProbe.Start(broker, ProbeProfile.StrictWebSocket, durationSeconds: 60, keepAliveSeconds: 60);

        var result = await probe.ResultAsync();
        Assert.Equal(ProbeOutcome.ConnectFailed, result.Outcome);
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("the broker refused the connection: CONNACK return code 5 not authorized, session present 0", result.Verdict);
    }

    [Fact]
    public async Task A_refused_upgrade_is_a_connect_error()
    {
        await using var broker = FakeWebSocketBroker.Start(new BrokerBehaviour { UpgradeStatus = 404 });
        var probe = FakeTimeProbe.Start(broker, ProbeProfile.StrictWebSocket, durationSeconds: 60, keepAliveSeconds: 60);

        var result = await probe.ResultAsync();
        Assert.Equal(ProbeOutcome.ConnectFailed, result.Outcome);
        Assert.Equal("the server refused the WebSocket upgrade: \"HTTP/1.1 404 Not Found\"", result.Verdict);
    }
}
