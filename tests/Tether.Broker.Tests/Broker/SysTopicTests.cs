using System.Text.RegularExpressions;
using Tether.Broker.Tests.Support;
using Tether.Protocol;

namespace Tether.Broker.Tests.Broker;

/// <summary><c>$SYS/broker/...</c> in Mosquitto's names and formats, published retained every <c>sys_interval</c> seconds.</summary>
public sealed partial class SysTopicTests
{
    // The last topic of one $SYS update (Mosquitto publishes the load figures last, and so does Tether).
    private const string LastTopicOfAnUpdate = "$SYS/broker/load/connections/15min";

    [Fact]
    public async Task Subscriber_receives_version_uptime_and_client_counts_each_interval()
    {
        await using var harness = new BrokerHarness(BrokerOptions.Default with { SysIntervalSeconds = 10 });
        var subscriber = await harness.ConnectAsync("sys-watcher");
        await subscriber.SubscribeAsync(1, "$SYS/broker/#");
        await harness.ConnectAsync("other");
        var (persistent, _) = await harness.ConnectAsync("offline", ProtocolVersion.V311, c => c.CleanSession = false);
        await persistent.SendAsync(new DisconnectPacket());
        await persistent.BrokerEndedAsync();

        harness.Time.Advance(TimeSpan.FromSeconds(10));
        var first = await ReceiveUpdateAsync(subscriber);
        Assert.Equal(harness.Broker.Options.VersionString, first["$SYS/broker/version"].PayloadText());
        Assert.Matches(UptimeFormat(), first["$SYS/broker/uptime"].PayloadText());
        Assert.Equal("2", first["$SYS/broker/clients/connected"].PayloadText());
        Assert.Equal("1", first["$SYS/broker/clients/disconnected"].PayloadText());
        Assert.Equal("3", first["$SYS/broker/clients/total"].PayloadText());

        // Forwarded to an existing subscription, a retained message has RETAIN 0 ([MQTT-3.3.1-9] (3.1.1)).
        Assert.All(first.Values, p => Assert.False(p.Retain));

        // One update per interval: the next 10 s bring exactly one more, whose uptime has grown by the interval.
        await subscriber.AssertNothingPendingAsync();
        harness.Time.Advance(TimeSpan.FromSeconds(10));
        var second = await ReceiveUpdateAsync(subscriber);
        await subscriber.AssertNothingPendingAsync();
        var uptimeBefore = Seconds(first["$SYS/broker/uptime"].PayloadText());
        Assert.Equal(uptimeBefore + 10, Seconds(second["$SYS/broker/uptime"].PayloadText()));
    }

    [Fact]
    public async Task Sys_messages_are_retained_for_later_subscribers()
    {
        await using var harness = new BrokerHarness(BrokerOptions.Default with { SysIntervalSeconds = 10 });
        harness.Time.Advance(TimeSpan.FromSeconds(10));

        // Published retained, so a dashboard that subscribes between updates sees the current values at once.
        var late = await harness.ConnectAsync("late");
        await late.SubscribeAsync(1, "$SYS/broker/#");
        var retained = (await late.DrainPublishesAsync()).ToDictionary(p => p.Topic.ToString(), StringComparer.Ordinal);
        Assert.True(retained["$SYS/broker/version"].Retain);
        Assert.Equal(harness.Broker.Options.VersionString, retained["$SYS/broker/version"].PayloadText());
        Assert.Matches(UptimeFormat(), retained["$SYS/broker/uptime"].PayloadText());
        Assert.Equal("0", retained["$SYS/broker/clients/connected"].PayloadText());
        Assert.All(retained.Values, p => Assert.True(p.Retain));
    }

    [Fact]
    public async Task Nothing_is_published_when_the_interval_is_0()
    {
        await using var harness = new BrokerHarness(BrokerOptions.Default with { SysIntervalSeconds = 0 });
        var subscriber = await harness.ConnectAsync("sub");
        await subscriber.SubscribeAsync(1, "$SYS/#");
        harness.Time.Advance(TimeSpan.FromSeconds(30));
        await subscriber.AssertNothingPendingAsync();
        Assert.Equal(0, harness.Broker.RetainedCount);
    }

    /// <summary>Receives one $SYS update, up to its last topic, keyed by topic.</summary>
    private static async Task<Dictionary<string, PublishPacket>> ReceiveUpdateAsync(TestClient client)
    {
        var update = new Dictionary<string, PublishPacket>(StringComparer.Ordinal);

        // Bounded: an update has a few dozen topics.
        for (var i = 0; i < 200; i++)
        {
            var publish = await client.ReceiveAsync<PublishPacket>();
            var topic = publish.Topic.ToString();
            Assert.False(update.ContainsKey(topic), $"{topic} twice in one update");
            update[topic] = publish;
            if (topic == LastTopicOfAnUpdate)
            {
                return update;
            }
        }

        throw new InvalidOperationException("No end of the $SYS update after 200 messages.");
    }

    private static long Seconds(string uptime) => long.Parse(uptime.Split(' ')[0]);

    // Mosquitto's format: "<n> seconds".
    [GeneratedRegex("^[0-9]+ seconds$")]
    private static partial Regex UptimeFormat();
}
