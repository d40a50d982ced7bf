using System.Numerics;

namespace Tether.Bench;

/// <summary>
/// A latency histogram in the manner of HdrHistogram: values below 128 have a bucket each, larger values fall
/// into 64 linear sub-buckets per power of two, so every recorded value is known to within 1/64 (1.6 %).
/// Recording is one array increment (no allocation per sample); one instance belongs to one thread, and the
/// instances of several threads are merged with <see cref="Add"/> at the end.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int ExactValues = 128;
    private const int SubBuckets = 64;

    // The largest shift is 57 (a value with its top bit at 63), so this covers every non-negative long.
    private const int BucketCount = ExactValues + (57 * SubBuckets);

    private readonly long[] _counts = new long[BucketCount];

    /// <summary>Number of values recorded.</summary>
    public long Count { get; private set; }

    /// <summary>Largest value recorded (exact, not bucketed); 0 when empty.</summary>
    public long Max { get; private set; }

    /// <summary>Records one value; negative values (a clock that stepped back) count as 0.</summary>
    public void Record(long value)
    {
        if (value < 0)
        {
            value = 0;
        }

        _counts[BucketOf(value)]++;
        Count++;
        if (value > Max)
        {
            Max = value;
        }
    }

    /// <summary>Adds every value of <paramref name="other"/> to this histogram.</summary>
    public void Add(LatencyHistogram other)
    {
        ArgumentNullException.ThrowIfNull(other);
        for (var i = 0; i < BucketCount; i++)
        {
            _counts[i] += other._counts[i];
        }

        Count += other.Count;
        Max = Math.Max(Max, other.Max);
    }

    /// <summary>
    /// The value at <paramref name="percentile"/> (0–100]: the upper end of the bucket holding the value of that
    /// rank, never more than <see cref="Max"/>; 0 when empty.
    /// </summary>
    public long ValueAtPercentile(double percentile)
    {
        if (Count == 0)
        {
            return 0;
        }

        var rank = (long)Math.Ceiling(percentile / 100.0 * Count);
        rank = Math.Clamp(rank, 1, Count);
        long seen = 0;
        for (var i = 0; i < BucketCount; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                return Math.Min(UpperBoundOf(i), Max);
            }
        }

        return Max;
    }

    internal static int BucketOf(long value)
    {
        if (value < ExactValues)
        {
            return (int)value;
        }

        // Keep the top 7 bits: (value >> shift) is in [64, 128).
        var shift = 63 - BitOperations.LeadingZeroCount((ulong)value) - 6;
        return ExactValues + ((shift - 1) * SubBuckets) + (int)((value >> shift) - SubBuckets);
    }

    internal static long UpperBoundOf(int bucket)
    {
        if (bucket < ExactValues)
        {
            return bucket;
        }

        var shift = ((bucket - ExactValues) / SubBuckets) + 1;
        long mantissa = ((bucket - ExactValues) % SubBuckets) + SubBuckets;
        var upper = ((mantissa + 1) << shift) - 1;
        return upper < 0 ? long.MaxValue : upper;
    }
}
