namespace Tether.Probe;

/// <summary>How a run ended, as the exit code says it.</summary>
internal enum ProbeOutcome
{
    /// <summary>Exit 0: held for the whole duration, no fatal frame, every PINGREQ answered.</summary>
    Held = 0,

    /// <summary>Exit 1: connected, but something that drops clients happened.</summary>
    Problem = 1,

    /// <summary>Exit 2: no working connection (refused, TLS, upgrade or CONNACK refused).</summary>
    ConnectFailed = 2,
}

/// <summary>What one probe run saw.</summary>
internal sealed record ProbeResult
{
    public required ProbeOptions Options { get; init; }

    public required ProbeOutcome Outcome { get; init; }

    /// <summary>The headline: what happened and what it means for clients.</summary>
    public required string Verdict { get; init; }

    public required IReadOnlyList<ProbeEvent> Events { get; init; }

    public required IReadOnlyList<ProbeFinding> Findings { get; init; }

    /// <summary>Seconds from opening the connection until the broker closed it or the probe did.</summary>
    public double HeldSeconds { get; init; }

    public int PingsSent { get; init; }

    public int PingsAnswered { get; init; }

    public int ExitCode => (int)Outcome;
}
