using System.Diagnostics;
using Tether.Bench;

namespace Tether.Bench.Tests;

/// <summary>
/// The broker GC monitor against a real .NET process: this test host, whose diagnostics channel is open like any
/// .NET broker's. Collections are induced inside the window and outside it. Not run in parallel with other tests, so
/// that every collection in the window is one the test knows of.
/// </summary>
[Collection(nameof(BrokerGcMonitorTests))]
public class BrokerGcMonitorTests
{
    [Fact]
    public async Task Collections_inside_the_window_are_counted_by_generation_and_those_before_it_are_not()
    {
        await using var monitor = BrokerGcMonitor.TryStart(Environment.ProcessId);
        Assert.NotNull(monitor);

        // Before the window: this gen 2 collection must not be counted.
        var before = GC.CollectionCount(2);
        GC.Collect(2, GCCollectionMode.Forced, blocking: true);
        await Task.Delay(50);

        // Event timestamps are converted from the runtime's clock and may be a few milliseconds off the wall clock the
        // window is taken from: keep the collections well inside it (a bench window lasts seconds).
        monitor.BeginWindow();
        await Task.Delay(200);
        var gen0Before = GC.CollectionCount(0);
        var gen1Before = GC.CollectionCount(1);
        var gen2Before = GC.CollectionCount(2);
        for (var i = 0; i < 3; i++)
        {
            GC.Collect(0, GCCollectionMode.Forced, blocking: true);
        }

        GC.Collect(1, GCCollectionMode.Forced, blocking: true);
        var gen0 = GC.CollectionCount(0) - gen0Before;
        var gen1 = GC.CollectionCount(1) - gen1Before;
        var gen2 = GC.CollectionCount(2) - gen2Before;
        await Task.Delay(200);
        monitor.EndWindow();

        var counts = await monitor.StopAsync();

        Assert.NotNull(counts);

        // CollectionCount(n) counts every collection of generation n or higher; the events count each by its own
        // generation. The gen 2 collection before the window is not among them.
        Assert.True(GC.CollectionCount(2) > before);
        Assert.Equal([gen0 - gen1, gen1 - gen2, gen2], counts);
        Assert.True(counts[0] >= 3, $"gen0 {counts[0]}");
        Assert.True(counts[1] + counts[2] >= 1, $"gen1 {counts[1]}, gen2 {counts[2]}");
    }

    [Fact]
    public void A_process_that_is_not_dotnet_gives_no_monitor()
    {
        using var sleeper = Process.Start(new ProcessStartInfo("sleep", "30") { UseShellExecute = false })!;
        try
        {
            Assert.Null(BrokerGcMonitor.TryStart(sleeper.Id));
        }
        finally
        {
            sleeper.Kill();
        }
    }

    [Fact]
    public void No_broker_pid_gives_no_monitor() => Assert.Null(BrokerGcMonitor.TryStart(0));
}

/// <summary>Runs <see cref="BrokerGcMonitorTests"/> alone: a collection by another test would be counted in its window.</summary>
[CollectionDefinition(nameof(BrokerGcMonitorTests), DisableParallelization = true)]
public sealed class BrokerGcMonitorCollection;

