using Tether.Bench;

namespace Tether.Bench.Tests;

public class StreamTrackerTests
{
    [Fact]
    public void In_order_arrivals_are_all_distinct()
    {
        var tracker = new StreamTracker();
        for (var s = 0; s < 100_000; s++)
        {
            tracker.Record(s);
        }

        Assert.Equal(100_000, tracker.Unique);
        Assert.Equal(0, tracker.Duplicates);
        Assert.Equal(0, tracker.Reordered);
        Assert.Equal(100_000, tracker.Next);
    }

    [Fact]
    public void A_repeated_sequence_number_is_a_duplicate()
    {
        var tracker = new StreamTracker();
        tracker.Record(0);
        tracker.Record(1);
        tracker.Record(1);
        tracker.Record(0);

        Assert.Equal(2, tracker.Unique);
        Assert.Equal(2, tracker.Duplicates);
        Assert.Equal(0, tracker.Reordered);
    }

    [Fact]
    public void A_late_first_arrival_is_reordered_and_not_a_duplicate()
    {
        var tracker = new StreamTracker();
        tracker.Record(0);
        tracker.Record(2);
        tracker.Record(1);
        tracker.Record(1);

        Assert.Equal(3, tracker.Unique);
        Assert.Equal(1, tracker.Reordered);
        Assert.Equal(1, tracker.Duplicates);
        Assert.Equal(3, tracker.Next);
    }

    [Fact]
    public void A_gap_leaves_the_skipped_numbers_missing()
    {
        var tracker = new StreamTracker();
        tracker.Record(0);
        tracker.Record(10);

        Assert.Equal(2, tracker.Unique);
        Assert.Equal(11, tracker.Next);
        Assert.Equal(0, tracker.Reordered);
    }

    [Fact]
    public void Bits_reused_after_the_window_moves_on_do_not_report_false_duplicates()
    {
        var tracker = new StreamTracker();
        tracker.Record(0);
        tracker.Record(5);

        // 5 + WindowSize shares its bit with 5, and 3 + WindowSize with 3 (skipped over, so its bit must be clear).
        tracker.Record(5 + StreamTracker.WindowSize);
        tracker.Record(3 + StreamTracker.WindowSize);

        Assert.Equal(0, tracker.Duplicates);
        Assert.Equal(4, tracker.Unique);
        Assert.Equal(1, tracker.Reordered);
    }

    [Fact]
    public void An_arrival_older_than_the_window_counts_as_reordered()
    {
        var tracker = new StreamTracker();
        tracker.Record(StreamTracker.WindowSize * 2);
        tracker.Record(0);

        Assert.Equal(2, tracker.Unique);
        Assert.Equal(1, tracker.Reordered);
        Assert.Equal(0, tracker.Duplicates);
    }
}
