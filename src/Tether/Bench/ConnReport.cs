namespace Tether.Bench;

/// <summary>The figures of one run of the <c>conn</c> scenario.</summary>
internal sealed record ConnReport
{
    public required BenchOptions Options { get; init; }

    public required int Opened { get; init; }

    public required int Failed { get; init; }

    public string? FirstError { get; init; }

    /// <summary>Connections established (CONNACK received) per second.</summary>
    public required double ConnectsPerSecond { get; init; }

    public long? BrokerRssBefore { get; init; }

    public long? BrokerRssAfter { get; init; }

    /// <summary>(RSS after − RSS before) / connections opened; null without --broker-pid.</summary>
    public double? BytesPerConnection =>
        BrokerRssBefore is { } before && BrokerRssAfter is { } after && Opened > 0 ? (after - before) / (double)Opened : null;
}
