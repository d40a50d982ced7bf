using Tether.Probe.Tests.Support;

namespace Tether.Probe.Tests;

/// <summary>The lenient profile is an RFC 6455 client: it answers PINGs and survives control frames, but says who would not.</summary>
public class Lenient_Profile_Tests
{
    [Fact]
    public async Task A_ping_is_answered_with_a_pong_carrying_its_payload_and_the_connection_holds()
    {
        await using var broker = FakeWebSocketBroker.Start();
        var probe = FakeTimeProbe.Start(broker, ProbeProfile.Lenient, durationSeconds: 120, keepAliveSeconds: 60);
        await probe.SubscribedAsync();
        await probe.AdvanceWithPingsAsync(60, 0, 60);
        await broker.SendFrameAsync(WebSocketOpcode.Ping, FakeTimeProbe.Ascii("hi"));
        await broker.WaitForFrameAsync(WebSocketOpcode.Pong);
        await probe.AdvanceWithPingsAsync(60, 60, 120);

        var result = await probe.ResultAsync();
        Assert.Equal(ProbeOutcome.Held, result.Outcome);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(FakeTimeProbe.Ascii("hi"), Assert.Single(broker.Frames, f => f.Opcode == WebSocketOpcode.Pong).Payload);
        Assert.StartsWith("connection held for 120 s, 2 keepalive round trips, but the broker sent 1 WebSocket control frame (the first at 60.0 s) that Paho Java ≤ 1.2.5 does not survive", result.Verdict, StringComparison.Ordinal);
        Assert.Contains("--profile strict-websocket", result.Verdict, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_text_frame_breaks_any_mqtt_client()
    {
        await using var broker = FakeWebSocketBroker.Start();
        var probe = FakeTimeProbe.Start(broker, ProbeProfile.Lenient, durationSeconds: 60, keepAliveSeconds: 60);
        await probe.SubscribedAsync();
        await broker.SendFrameAsync(WebSocketOpcode.Text, FakeTimeProbe.Ascii("hello"));
        await probe.Events.WaitForReceivedAsync("TEXT");
        await probe.AdvanceWithPingsAsync(60, 0, 60);

        var result = await probe.ResultAsync();
        Assert.Equal(ProbeOutcome.Problem, result.Outcome);
        Assert.Contains("TEXT frame at 0.0 s", result.Verdict, StringComparison.Ordinal);
        Assert.Contains("[MQTT-6.0.0-1]", result.Verdict, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_fragmented_message_is_reassembled()
    {
        await using var broker = FakeWebSocketBroker.Start(new BrokerBehaviour { FragmentConnAck = true });
        var probe = FakeTimeProbe.Start(broker, ProbeProfile.Lenient, durationSeconds: 60, keepAliveSeconds: 60);
        await probe.SubscribedAsync();
        await probe.AdvanceWithPingsAsync(60, 0, 60);

        var result = await probe.ResultAsync();
        Assert.Equal(ProbeOutcome.Held, result.Outcome);
        Assert.Contains(result.Events, e => e.Name == "CONTINUATION");
    }
}
