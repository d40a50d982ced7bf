using Tether.Broker.Routing;

namespace Tether.Broker.Tests.Routing;

/// <summary>MQTT §4.7 matching rules, one filter/topic pair at a time.</summary>
public class TopicMatchingTests
{
    [Theory]
    // Exact levels; topic names are case sensitive (§4.7.3).
    [InlineData("sport/tennis/player1", "sport/tennis/player1", true)]
    [InlineData("sport/tennis/player1", "sport/tennis/player2", false)]
    [InlineData("Sport", "sport", false)]
    [InlineData("sport/Tennis", "sport/tennis", false)]
    [InlineData("ü", "u", false)]
    [InlineData("é/+", "é/x", true)]
    // '#' matches the parent and any number of child levels [MQTT-4.7.1-2].
    [InlineData("sport/tennis/player1/#", "sport/tennis/player1", true)]
    [InlineData("sport/tennis/player1/#", "sport/tennis/player1/ranking", true)]
    [InlineData("sport/tennis/player1/#", "sport/tennis/player1/score/wimbledon", true)]
    [InlineData("sport/#", "sport", true)]
    [InlineData("sport/#", "sport/", true)]
    [InlineData("sport/#", "sports", false)]
    [InlineData("sport/tennis/#", "sport/tennis/", true)]
    [InlineData("a/#", "a/b/c/d", true)]
    [InlineData("#", "sport/tennis", true)]
    [InlineData("#", "/", true)]
    [InlineData("#", "/finance", true)]
    [InlineData("#", "a/$SYS", true)]
    [InlineData("/#", "/a/b", true)]
    [InlineData("/#", "a", false)]
    // '+' matches exactly one level, including an empty one [MQTT-4.7.1-3].
    [InlineData("sport/tennis/+", "sport/tennis/player1", true)]
    [InlineData("sport/tennis/+", "sport/tennis/player1/ranking", false)]
    [InlineData("sport/tennis/+", "sport/tennis", false)]
    [InlineData("sport/+", "sport", false)]
    [InlineData("sport/+", "sport/", true)]
    [InlineData("sport/+/player1", "sport/tennis/player1", true)]
    [InlineData("sport/+/player1", "sport//player1", true)]
    [InlineData("+", "sport", true)]
    [InlineData("+", "/finance", false)]
    [InlineData("+/+", "/finance", true)]
    [InlineData("/+", "/finance", true)]
    [InlineData("+/+", "/", true)]
    [InlineData("+", "/", false)]
    [InlineData("a/+/+", "a/b", false)]
    [InlineData("+/tennis/#", "sport/tennis/player1", true)]
    [InlineData("+/tennis/#", "sport/tennis", true)]
    [InlineData("+/#", "sport", true)]
    [InlineData("+/+", "a/$b", true)]
    // Topics starting with '$' are not matched by filters starting with a wildcard [MQTT-4.7.2-1].
    [InlineData("#", "$SYS/broker", false)]
    [InlineData("#", "$SYS", false)]
    [InlineData("+/monitor/Clients", "$SYS/monitor/Clients", false)]
    [InlineData("+/#", "$SYS/x", false)]
    [InlineData("+", "$foo", false)]
    [InlineData("$SYS/#", "$SYS/broker/clients", true)]
    [InlineData("$SYS/#", "$SYS", true)]
    [InlineData("$SYS/monitor/+", "$SYS/monitor/Clients", true)]
    [InlineData("$SYS/+", "$SYS/uptime", true)]
    [InlineData("$foo", "$foo", true)]
    // Empty levels are real levels.
    [InlineData("a//b", "a//b", true)]
    [InlineData("a//b", "a/b", false)]
    [InlineData("a/+/b", "a//b", true)]
    [InlineData("/a", "/a", true)]
    [InlineData("/a", "a", false)]
    [InlineData("a/", "a/", true)]
    [InlineData("a/", "a", false)]
    [InlineData("a", "a/", false)]
    public void Filter_matches_topic_as_the_spec_says(string filter, string topic, bool expected)
    {
        // The table also pins the reference matcher used by the randomised comparison.
        Assert.Equal(expected, ReferenceTopicMatcher.Matches(filter, topic));

        var tree = new TopicTree<TestSubscriber, int>();
        var subscriber = new TestSubscriber("s");
        tree.Subscribe(filter, subscriber, 1);

        var seen = CollectingVisitor.Match(tree, topic);

        Assert.Equal(expected ? 1 : 0, seen.Subscriptions.Count);
        Assert.Empty(seen.Groups);
    }

    [Theory]
    [InlineData("sport/#", "sport", true)]
    [InlineData("sport/+", "sport/", true)]
    [InlineData("+/+", "/finance", true)]
    [InlineData("+", "/finance", false)]
    [InlineData("#", "$SYS/broker", false)]
    [InlineData("+/monitor", "$SYS/monitor", false)]
    [InlineData("$SYS/#", "$SYS/broker", true)]
    [InlineData("a//b", "a//b", true)]
    public void Shared_filter_matches_like_its_inner_filter(string filter, string topic, bool expected)
    {
        var tree = new TopicTree<TestSubscriber, int>();
        tree.Subscribe("$share/group/" + filter, new TestSubscriber("s"), 1);

        var seen = CollectingVisitor.Match(tree, topic);

        Assert.Empty(seen.Subscriptions);
        Assert.Equal(expected ? 1 : 0, seen.Groups.Count);
    }

    [Fact]
    public void Every_matching_filter_of_a_subscriber_is_reported()
    {
        var tree = new TopicTree<TestSubscriber, int>();
        var subscriber = new TestSubscriber("s");
        tree.Subscribe("a/+", subscriber, 1);
        tree.Subscribe("a/#", subscriber, 2);
        tree.Subscribe("a/b", subscriber, 3);
        tree.Subscribe("#", subscriber, 4);
        tree.Subscribe("a/c", subscriber, 5);

        var seen = CollectingVisitor.Match(tree, "a/b");

        Assert.Equal([1, 2, 3, 4], seen.Subscriptions.Select(s => s.Value).Order());
    }

    [Fact]
    public void Matches_of_a_filter_carry_subscriber_filter_and_value()
    {
        var tree = new TopicTree<TestSubscriber, int>();
        var subscriber = new TestSubscriber("s");
        tree.Subscribe("a/+/c", subscriber, 42);

        var match = Assert.Single(CollectingVisitor.Match(tree, "a/b/c").Subscriptions);

        Assert.Same(subscriber, match.Subscriber);
        Assert.Equal("a/+/c", match.Filter);
        Assert.Equal(42, match.Value);
    }

    [Fact]
    public void Deeply_nested_single_level_wildcards_fail_the_publish_instead_of_the_process()
    {
        // A hostile client could store a filter of tens of thousands of '+' levels; walking it recursively
        // must end in a catchable exception, never a stack overflow. 20,000 levels is far past any sane cap.
        const int levels = 20_000;
        var tree = new TopicTree<TestSubscriber, int>();
        tree.Subscribe(string.Join('/', Enumerable.Repeat("+", levels)), new TestSubscriber("s"), 1);
        var topic = new string('/', levels - 1);

        var thread = new Thread(
            () =>
            {
                try
                {
                    CollectingVisitor.Match(tree, topic);
                }
                catch (InsufficientExecutionStackException)
                {
                }
            },
            maxStackSize: 256 * 1024);
        thread.Start();
        thread.Join();
    }
}
