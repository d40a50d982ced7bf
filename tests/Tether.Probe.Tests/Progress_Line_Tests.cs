namespace Tether.Probe.Tests;

/// <summary>The progress line on stderr while the probe waits.</summary>
public class Progress_Line_Tests
{
    [Fact]
    public void Elapsed_duration_and_round_trips() =>
        Assert.Equal("12.0 s / 600 s, 2 keepalive round trips", ProbeProgress.Line(12.04, TimeSpan.FromSeconds(600), 2, null));

    [Fact]
    public void One_round_trip_is_singular_and_the_latest_problem_is_appended() =>
        Assert.Equal("300.3 s / 600 s, 1 keepalive round trip; the broker sent a WebSocket PING at 300.3 s", ProbeProgress.Line(300.3, TimeSpan.FromSeconds(600), 1, "the broker sent a WebSocket PING at 300.3 s"));
}
