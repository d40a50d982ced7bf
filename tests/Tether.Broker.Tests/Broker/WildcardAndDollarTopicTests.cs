using Tether.Broker.Tests.Support;
using Tether.Protocol;

namespace Tether.Broker.Tests.Broker;

/// <summary>Wildcard matching (§4.7.1) and topics starting with <c>$</c> (§4.7.2), end to end through the broker.</summary>
public sealed class WildcardAndDollarTopicTests
{
    [Fact]
    public async Task Filters_starting_with_a_wildcard_do_not_receive_SYS_topics()
    {
        await using var harness = new BrokerHarness(BrokerOptions.Default with { SysIntervalSeconds = 10 });
        var wildcards = await harness.ConnectAsync("wildcards");
        await wildcards.SubscribeAsync(1, "#");
        await wildcards.SubscribeAsync(2, "+/broker/#");
        await wildcards.SubscribeAsync(3, "+/broker/version");
        var explicitSys = await harness.ConnectAsync("sys");
        await explicitSys.SubscribeAsync(1, "$SYS/broker/version");

        // The first heartbeat publishes $SYS; it runs on this thread inside Advance.
        harness.Time.Advance(TimeSpan.FromSeconds(1));

        // [MQTT-4.7.2-1]: filters starting with '#' or '+' do not match topic names starting with '$'...
        await wildcards.AssertNothingPendingAsync();

        // ...while a filter naming the '$' level does.
        Assert.Equal("$SYS/broker/version", (await explicitSys.ReceiveAsync<PublishPacket>()).Topic.ToString());
    }

    [Fact]
    public async Task Client_published_dollar_topics_match_only_filters_that_name_the_dollar_level()
    {
        await using var harness = new BrokerHarness();
        var wildcards = await harness.ConnectAsync("wildcards");
        await wildcards.SubscribeAsync(1, "#");
        await wildcards.SubscribeAsync(2, "+/y");
        var dollar = await harness.ConnectAsync("dollar");
        await dollar.SubscribeAsync(1, "$x/#");
        var dollarPlus = await harness.ConnectAsync("dollar-plus");
        await dollarPlus.SubscribeAsync(1, "$x/+");
        var publisher = await harness.ConnectAsync("pub");
        await publisher.PublishAcknowledgedAsync(Packets.Publish("$x/y", "d", QualityOfService.AtLeastOnce, 1));

        // [MQTT-4.7.2-1] holds for any '$' topic, not only $SYS.
        await wildcards.AssertNothingPendingAsync();
        Assert.Equal("$x/y", (await dollar.ReceiveAsync<PublishPacket>()).Topic.ToString());
        Assert.Equal("$x/y", (await dollarPlus.ReceiveAsync<PublishPacket>()).Topic.ToString());

        // A '$' inside a later level is an ordinary character.
        await publisher.PublishAcknowledgedAsync(Packets.Publish("a/$y", "e", QualityOfService.AtLeastOnce, 2));
        Assert.Equal("a/$y", (await wildcards.ReceiveAsync<PublishPacket>()).Topic.ToString());
    }

    [Fact]
    public async Task Retained_dollar_topics_are_not_sent_to_filters_starting_with_a_wildcard()
    {
        await using var harness = new BrokerHarness();
        var publisher = await harness.ConnectAsync("pub");
        await publisher.PublishAcknowledgedAsync(Packets.Publish("$x/y", "d", QualityOfService.AtLeastOnce, 1, retain: true));
        await publisher.PublishAcknowledgedAsync(Packets.Publish("x/y", "n", QualityOfService.AtLeastOnce, 2, retain: true));

        // [MQTT-4.7.2-1] also governs which retained messages a new subscription receives.
        var everything = await harness.ConnectAsync("everything");
        await everything.SubscribeAsync(1, "#");
        Assert.Equal(["x/y"], (await everything.DrainPublishesAsync()).Select(p => p.Topic.ToString()));
        var plus = await harness.ConnectAsync("plus");
        await plus.SubscribeAsync(1, "+/y");
        Assert.Equal(["x/y"], (await plus.DrainPublishesAsync()).Select(p => p.Topic.ToString()));
        var dollar = await harness.ConnectAsync("dollar");
        await dollar.SubscribeAsync(1, "$x/#");
        Assert.Equal(["$x/y"], (await dollar.DrainPublishesAsync()).Select(p => p.Topic.ToString()));
    }

    [Theory]
    [InlineData("sport/#", "sport", true)] // [MQTT-4.7.1-2]: '#' also matches the parent level.
    [InlineData("sport/#", "sport/tennis/player1", true)]
    [InlineData("sport/+", "sport", false)] // '+' matches exactly one level...
    [InlineData("sport/+", "sport/", true)] // ...which may be empty [MQTT-4.7.1-3].
    [InlineData("sport/+", "sport/tennis/player1", false)]
    [InlineData("a/+/c", "a//c", true)]
    [InlineData("+", "/finance", false)]
    [InlineData("+/+", "/finance", true)]
    [InlineData("/+", "/finance", true)]
    [InlineData("Sport/#", "sport/tennis", false)] // §4.7.3: topics are case sensitive.
    [InlineData("#", "sport/tennis", true)]
    public async Task Wildcard_filter_matches_live_and_retained_messages_alike(string filter, string topic, bool matches)
    {
        await using var harness = new BrokerHarness();
        var live = await harness.ConnectAsync("live");
        await live.SubscribeAsync(1, filter);
        var publisher = await harness.ConnectAsync("pub");
        await publisher.PublishAcknowledgedAsync(Packets.Publish(topic, "x", QualityOfService.AtLeastOnce, 1, retain: true));
        var late = await harness.ConnectAsync("late");
        await late.SubscribeAsync(1, filter);

        // The topic tree (live) and the retained store's matcher must agree.
        Assert.Equal(matches ? 1 : 0, (await live.DrainPublishesAsync()).Count);
        Assert.Equal(matches ? 1 : 0, (await late.DrainPublishesAsync()).Count);
    }
}
