using Microsoft.Extensions.Time.Testing;
using Tether.Probe;
using Tether.Protocol;

namespace Tether.Probe.Tests.Support;

/// <summary>A probe run against a <see cref="FakeWebSocketBroker"/> on a fake clock: minutes of probing in milliseconds.</summary>
internal sealed class FakeTimeProbe
{
    private FakeTimeProbe(FakeWebSocketBroker broker, ProbeOptions options)
    {
        Broker = broker;
        Engine = new ProbeEngine(options, Time) { EventRecorded = Events.Add };
        Run = Engine.RunAsync(CancellationToken.None);
    }

    public FakeTimeProvider Time { get; } = new();

    public EventLog Events { get; } = new();

    public FakeWebSocketBroker Broker { get; }

    public ProbeEngine Engine { get; }

    public Task<ProbeResult> Run { get; }

    public static FakeTimeProbe Start(FakeWebSocketBroker broker, ProbeProfile profile, int durationSeconds, int keepAliveSeconds) =>
        new(broker, new ProbeOptions
        {
            Target = ProbeTarget.TryParse(broker.Url, out _)!,
            Profile = profile,
            Duration = TimeSpan.FromSeconds(durationSeconds),
            KeepAlive = TimeSpan.FromSeconds(keepAliveSeconds),
        });

    /// <summary>Waits until the probe has its SUBACK, i.e. it is holding the connection at fake time 0.</summary>
    public Task SubscribedAsync() => Events.WaitForReceivedAsync("SUBACK");

    /// <summary>
    /// Advances the clock one keep alive at a time up to <paramref name="seconds"/>, each step waiting for that
    /// PINGREQ's answer, so every event lands on the same fake second on every run.
    /// </summary>
    public async Task AdvanceWithPingsAsync(int keepAliveSeconds, int fromSeconds, int toSeconds)
    {
        for (var t = fromSeconds + keepAliveSeconds; t <= toSeconds; t += keepAliveSeconds)
        {
            Time.Advance(TimeSpan.FromSeconds(keepAliveSeconds));
            await Events.WaitForReceivedAsync("PINGRESP", t / keepAliveSeconds);
        }
    }

    public Task<ProbeResult> ResultAsync() => Run.WaitAsync(FakeWebSocketBroker.Timeout);

    public static byte[] Ascii(string text) => System.Text.Encoding.ASCII.GetBytes(text);

    public static PacketType[] Types(params PacketType[] types) => types;
}
