using Microsoft.Extensions.Time.Testing;
using Tether.Client.Tests.Support;

namespace Tether.Client.Tests;

/// <summary>Exponential backoff with jitter, and the reconnect loop waiting on the injected clock.</summary>
public sealed class Backoff_Tests
{
    [Fact]
    public void Without_jitter_delays_double_up_to_the_maximum()
    {
        var backoff = new ReconnectBackoff(new MqttReconnectOptions { InitialDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(60), Jitter = 0 });
        var delays = Enumerable.Range(0, 9).Select(i => backoff.NextDelay(i).TotalSeconds).ToArray();
        Assert.Equal([1, 2, 4, 8, 16, 32, 60, 60, 60], delays);
        Assert.Equal(TimeSpan.FromSeconds(60), backoff.NextDelay(1000));
    }

    [Fact]
    public void Jitter_shortens_each_delay_by_at_most_its_fraction_and_is_reproducible_with_a_seed()
    {
        var options = new MqttReconnectOptions { InitialDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(30), Jitter = 0.25, RandomSeed = 1234 };
        var first = new ReconnectBackoff(options);
        var second = new ReconnectBackoff(options);
        var a = Enumerable.Range(0, 12).Select(first.NextDelay).ToArray();
        var b = Enumerable.Range(0, 12).Select(second.NextDelay).ToArray();
        Assert.Equal(a, b);
        for (var i = 0; i < a.Length; i++)
        {
            var ceiling = Math.Min(30, Math.Pow(2, i));
            Assert.InRange(a[i].TotalSeconds, ceiling * 0.75, ceiling);
        }

        // Jitter actually varies the delays (equal delays at the cap would mean it is ignored).
        Assert.True(a.Skip(5).Distinct().Count() > 1);
    }

    [Fact]
    public async Task Reconnect_attempts_wait_on_the_clock_with_growing_delays()
    {
        await using var broker = await TestBroker.StartAsync();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = broker.ClientOptions() with
        {
            TimeProvider = time,
            KeepAlive = TimeSpan.Zero,
            Reconnect = new MqttReconnectOptions { InitialDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(8), Jitter = 0 },
        };
        await using var client = new MqttClient(options);
        var events = new ClientEvents(client);
        await client.ConnectAsync().WaitAsync(TestBroker.Timeout);

        var firstAttempt = events.NextAsync<MqttReconnectingEventArgs>();
        await broker.StopAsync();
        var first = await firstAttempt;
        Assert.Equal((1, TimeSpan.FromSeconds(1)), (first.Attempt, first.Delay));

        // Each attempt fails against the stopped broker only after the fake clock has moved by its delay.
        for (var attempt = 2; attempt <= 5; attempt++)
        {
            var next = events.NextAsync<MqttReconnectingEventArgs>();
            time.Advance(TimeSpan.FromSeconds(Math.Min(8, Math.Pow(2, attempt - 2))));
            var reconnecting = await next;
            Assert.Equal(attempt, reconnecting.Attempt);
            Assert.Equal(TimeSpan.FromSeconds(Math.Min(8, Math.Pow(2, attempt - 1))), reconnecting.Delay);
            Assert.Equal(MqttDisconnectKind.ConnectFailed, reconnecting.LastFailure!.Kind);
        }

        var back = events.NextAsync<MqttConnectedEventArgs>();
        await broker.RestartAsync();
        time.Advance(TimeSpan.FromSeconds(8));
        Assert.True((await back).IsReconnect);
    }
}
