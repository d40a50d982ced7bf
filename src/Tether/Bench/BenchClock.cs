using System.Diagnostics;

namespace Tether.Bench;

/// <summary>
/// The phases of a run in <see cref="Stopwatch"/> ticks: warm-up from <see cref="Start"/>, measurement from
/// <see cref="MeasureStart"/> to <see cref="MeasureEnd"/>, then publishers stop and the drain begins.
/// </summary>
internal sealed class BenchClock
{
    private int _stopSending;

    public BenchClock(TimeSpan warmup, TimeSpan duration)
    {
        Start = Stopwatch.GetTimestamp();
        MeasureStart = Start + ToTicks(warmup);
        MeasureEnd = MeasureStart + ToTicks(duration);
    }

    public long Start { get; }

    public long MeasureStart { get; }

    public long MeasureEnd { get; }

    /// <summary>Set when the measurement is over: publishers stop sending.</summary>
    public bool StopSending => Volatile.Read(ref _stopSending) != 0;

    public static long ToTicks(TimeSpan time) => (long)(time.TotalSeconds * Stopwatch.Frequency);

    public static double ToMicroseconds(long ticks) => ticks * 1_000_000.0 / Stopwatch.Frequency;

    public bool IsMeasured(long timestamp) => timestamp >= MeasureStart && timestamp < MeasureEnd;

    public void Stop() => Volatile.Write(ref _stopSending, 1);
}
