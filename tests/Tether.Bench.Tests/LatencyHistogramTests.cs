using Tether.Bench;

namespace Tether.Bench.Tests;

public class LatencyHistogramTests
{
    [Fact]
    public void Empty_histogram_reports_zero()
    {
        var histogram = new LatencyHistogram();

        Assert.Equal(0, histogram.ValueAtPercentile(99));
        Assert.Equal(0, histogram.Max);
    }

    [Fact]
    public void Small_values_are_exact()
    {
        var histogram = new LatencyHistogram();
        for (var v = 1; v <= 100; v++)
        {
            histogram.Record(v);
        }

        Assert.Equal(50, histogram.ValueAtPercentile(50));
        Assert.Equal(99, histogram.ValueAtPercentile(99));
        Assert.Equal(100, histogram.ValueAtPercentile(100));
        Assert.Equal(100, histogram.Count);
    }

    [Fact]
    public void Percentiles_of_a_uniform_spread_are_within_one_sixty_fourth()
    {
        var histogram = new LatencyHistogram();
        for (var v = 1; v <= 1_000_000; v++)
        {
            histogram.Record(v * 1000L);
        }

        AssertClose(500_000_000, histogram.ValueAtPercentile(50));
        AssertClose(990_000_000, histogram.ValueAtPercentile(99));
        AssertClose(999_000_000, histogram.ValueAtPercentile(99.9));
        Assert.Equal(1_000_000_000, histogram.Max);
    }

    [Fact]
    public void A_single_outlier_is_the_max_and_not_the_p99()
    {
        var histogram = new LatencyHistogram();
        for (var i = 0; i < 999; i++)
        {
            histogram.Record(1_000);
        }

        histogram.Record(5_000_000);

        AssertClose(1_000, histogram.ValueAtPercentile(99));
        Assert.Equal(5_000_000, histogram.ValueAtPercentile(100));
        Assert.Equal(5_000_000, histogram.Max);
    }

    [Fact]
    public void Merged_histograms_hold_both_sets_of_values()
    {
        var low = new LatencyHistogram();
        var high = new LatencyHistogram();
        for (var i = 0; i < 50; i++)
        {
            low.Record(10);
            high.Record(1_000_000);
        }

        low.Add(high);

        Assert.Equal(100, low.Count);
        Assert.Equal(10, low.ValueAtPercentile(50));
        AssertClose(1_000_000, low.ValueAtPercentile(51));
        Assert.Equal(1_000_000, low.Max);
    }

    [Fact]
    public void Negative_values_count_as_zero()
    {
        var histogram = new LatencyHistogram();
        histogram.Record(-5);

        Assert.Equal(1, histogram.Count);
        Assert.Equal(0, histogram.ValueAtPercentile(50));
    }

    [Theory]
    [InlineData(127L)]
    [InlineData(128L)]
    [InlineData(129L)]
    [InlineData(1_000_003L)]
    [InlineData(long.MaxValue)]
    public void Every_value_lies_in_its_bucket_within_one_sixty_fourth(long value)
    {
        var bucket = LatencyHistogram.BucketOf(value);
        var upper = LatencyHistogram.UpperBoundOf(bucket);

        Assert.True(upper >= value, $"upper bound {upper} below {value}");
        Assert.True(upper - value <= value / 64, $"upper bound {upper} too far from {value}");
        Assert.True(bucket == 0 || LatencyHistogram.UpperBoundOf(bucket - 1) < value, "the previous bucket already covers the value");
    }

    private static void AssertClose(long expected, long actual) =>
        Assert.True(Math.Abs(actual - expected) <= (expected / 64) + 1, $"expected about {expected}, got {actual}");
}
