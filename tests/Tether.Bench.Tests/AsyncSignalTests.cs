using Tether.Bench;

namespace Tether.Bench.Tests;

public class AsyncSignalTests
{
    [Fact]
    public async Task A_set_before_the_wait_completes_it_at_once()
    {
        var signal = new AsyncSignal();
        signal.Set();

        var wait = signal.WaitAsync().AsTask();

        Assert.True(wait.IsCompleted);
        await wait;
    }

    [Fact]
    public async Task A_set_wakes_a_waiter_and_is_consumed()
    {
        var signal = new AsyncSignal();
        var wait = signal.WaitAsync().AsTask();
        Assert.False(wait.IsCompleted);

        signal.Set();
        await wait.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.False(signal.WaitAsync().AsTask().IsCompleted);
    }
}
