namespace Tether.Bench;

/// <summary>The figures of one run of a message scenario (pairs, fanin, fanout).</summary>
internal sealed record BenchReport
{
    public required BenchOptions Options { get; init; }

    public required int PublisherCount { get; init; }

    public required int SubscriberCount { get; init; }

    /// <summary>Messages the publishers sent per second during the measurement.</summary>
    public required double SentPerSecond { get; init; }

    /// <summary>Messages the subscribers received per second during the measurement (fan-out multiplies).</summary>
    public required double ReceivedPerSecond { get; init; }

    /// <summary>Copies the subscribers should have received over the whole run (warm-up included).</summary>
    public required long Expected { get; init; }

    /// <summary>Distinct copies received over the whole run, after the drain.</summary>
    public required long Received { get; init; }

    public long Lost => Math.Max(0, Expected - Received);

    public required long Duplicates { get; init; }

    public required long Reordered { get; init; }

    public required long Foreign { get; init; }

    /// <summary>End-to-end latency (send to receive) of the messages received during the measurement, µs.</summary>
    public required double LatencyP50 { get; init; }

    public required double LatencyP99 { get; init; }

    public required double LatencyP999 { get; init; }

    public required double LatencyMax { get; init; }

    public required long LatencySamples { get; init; }

    /// <summary>The load tool's CPU use during the measurement, in cores (1.0 = one core busy).</summary>
    public required double ToolCpu { get; init; }

    /// <summary>The broker's CPU use during the measurement, in cores; null without --broker-pid.</summary>
    public double? BrokerCpu { get; init; }

    /// <summary>The broker's resident memory at the end of the measurement; null without --broker-pid.</summary>
    public long? BrokerRss { get; init; }

    /// <summary>
    /// The broker's garbage collections during the measurement (gen 0, 1, 2); null without --broker-pid or when the
    /// broker is not a .NET process (see <see cref="BrokerGcMonitor"/>).
    /// </summary>
    public int[]? BrokerGcCounts { get; init; }

    /// <summary>Garbage collections in the load tool during the run (gen 0, 1, 2).</summary>
    public required int[] ToolGcCounts { get; init; }
}
