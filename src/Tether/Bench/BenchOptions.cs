using Tether.Protocol;

namespace Tether.Bench;

/// <summary>One bench run's settings, as given on the command line.</summary>
internal sealed record BenchOptions
{
    public BenchScenario Scenario { get; init; } = BenchScenario.Pairs;

    public BenchEndpoint Endpoint { get; init; } = new("127.0.0.1", 1883, null);

    public ProtocolVersion Version { get; init; } = ProtocolVersion.V311;

    public QualityOfService QoS { get; init; } = QualityOfService.AtMostOnce;

    /// <summary>Payload bytes per message (at least <see cref="BenchPayload.HeaderSize"/>).</summary>
    public int Size { get; init; } = 64;

    /// <summary>Messages per second per publisher; 0 sends as fast as the credit window allows.</summary>
    public int Rate { get; init; }

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Time before the measurement starts; messages sent and received in it count only for loss.</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>After the publishers stop, how long to wait for messages still on their way.</summary>
    public TimeSpan Drain { get; init; } = TimeSpan.FromSeconds(3);

    public int Pairs { get; init; } = 10;

    public int Publishers { get; init; } = 100;

    public int Subscribers { get; init; } = 100;

    public int Connections { get; init; } = 1000;

    /// <summary>Unacknowledged QoS 1 PUBLISH per publisher (like Mosquitto's max_inflight_messages of 20).</summary>
    public int Inflight { get; init; } = 20;

    /// <summary>
    /// Messages in flight towards one subscriber: each publisher may have sent that many beyond what its slowest
    /// subscriber has received, divided by the number of publishers that subscriber hears (fanin shares it).
    /// </summary>
    public int Window { get; init; } = 1000;

    /// <summary>Broker process whose memory (VmRSS) and CPU are read from /proc; 0 for none.</summary>
    public int BrokerPid { get; init; }

    public bool Json { get; init; }

    /// <summary>Whether the progress line is written each second.</summary>
    public bool Progress { get; init; } = true;
}
