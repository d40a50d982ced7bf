namespace Tether.Client;

/// <summary>
/// Reconnect policy: exponential backoff from <see cref="InitialDelay"/> doubling up to <see cref="MaxDelay"/>,
/// each delay shortened by a random fraction of at most <see cref="Jitter"/> so that many clients cut off together
/// do not come back together.
/// </summary>
public sealed record MqttReconnectOptions
{
    /// <summary>On; 1 s doubling to 60 s with 20 % jitter.</summary>
    public static MqttReconnectOptions Default { get; } = new();

    /// <summary>Whether a lost connection is reopened automatically.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Delay before the first attempt after a loss.</summary>
    public TimeSpan InitialDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Largest delay between attempts.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Fraction (0 to 1) by which a delay may be randomly shortened.</summary>
    public double Jitter { get; init; } = 0.2;

    /// <summary>Seed of the jitter's random numbers, for reproducible tests; <see langword="null"/> for a random seed.</summary>
    public int? RandomSeed { get; init; }
}
