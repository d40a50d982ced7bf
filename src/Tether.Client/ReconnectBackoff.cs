namespace Tether.Client;

/// <summary>
/// Delays between reconnect attempts: <c>initial × 2^attempt</c> capped at the maximum, then shortened by a
/// random fraction of up to <see cref="MqttReconnectOptions.Jitter"/> ("equal jitter" rather than "full jitter",
/// so a delay never collapses to zero and a down server is not hammered).
/// </summary>
internal sealed class ReconnectBackoff
{
    private readonly MqttReconnectOptions _options;
    private readonly Random _random;

    public ReconnectBackoff(MqttReconnectOptions options)
    {
        _options = options;

        // Jitter spreads load; it needs no unpredictability, so a seeded generator is fine (and makes tests reproducible).
#pragma warning disable CA5394
        _random = options.RandomSeed is { } seed ? new Random(seed) : new Random();
#pragma warning restore CA5394
    }

    /// <summary>The delay before attempt number <paramref name="attempt"/> (0 for the first attempt after a loss).</summary>
    public TimeSpan NextDelay(int attempt)
    {
        var cap = _options.MaxDelay;
        var initial = _options.InitialDelay;
        var exponential = attempt >= 62 ? cap : TimeSpan.FromTicks((long)Math.Min(cap.Ticks, initial.Ticks * Math.Pow(2, attempt)));
        var jitter = Math.Clamp(_options.Jitter, 0, 1);
#pragma warning disable CA5394
        var fraction = jitter * _random.NextDouble();
#pragma warning restore CA5394
        return TimeSpan.FromTicks((long)(exponential.Ticks * (1 - fraction)));
    }
}
