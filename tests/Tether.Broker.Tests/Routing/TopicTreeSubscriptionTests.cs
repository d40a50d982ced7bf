using Tether.Broker.Routing;

namespace Tether.Broker.Tests.Routing;

/// <summary>Subscribe, replace and unsubscribe bookkeeping, and pruning of empty nodes.</summary>
public class TopicTreeSubscriptionTests
{
    [Fact]
    public void Subscribe_adds_then_replaces_the_same_subscriber_and_filter()
    {
        var tree = new TopicTree<TestSubscriber, int>();
        var subscriber = new TestSubscriber("s");

        Assert.False(tree.Subscribe("a/b", subscriber, 1));
        Assert.True(tree.Subscribe("a/b", subscriber, 2));

        Assert.Equal(1, tree.Count);
        var match = Assert.Single(CollectingVisitor.Match(tree, "a/b").Subscriptions);
        Assert.Equal(2, match.Value);
    }

    [Fact]
    public void Different_subscribers_or_filters_are_different_subscriptions()
    {
        var tree = new TopicTree<TestSubscriber, int>();
        var first = new TestSubscriber("first");
        var second = new TestSubscriber("second");

        Assert.False(tree.Subscribe("a/b", first, 1));
        Assert.False(tree.Subscribe("a/b", second, 2));
        Assert.False(tree.Subscribe("a/+", first, 3));

        Assert.Equal(3, tree.Count);
        Assert.Equal(3, CollectingVisitor.Match(tree, "a/b").Subscriptions.Count);
    }

    [Fact]
    public void Subscribers_are_compared_by_reference()
    {
        var tree = new TopicTree<EqualByValue, int>();

        Assert.False(tree.Subscribe("a", new EqualByValue("same"), 1));
        Assert.False(tree.Subscribe("a", new EqualByValue("same"), 2));
        Assert.False(tree.Unsubscribe("a", new EqualByValue("same")));

        Assert.Equal(2, tree.Count);
    }

    [Fact]
    public void Unsubscribe_reports_whether_the_subscription_existed()
    {
        var tree = new TopicTree<TestSubscriber, int>();
        var subscriber = new TestSubscriber("s");
        var other = new TestSubscriber("other");
        tree.Subscribe("a/b", subscriber, 1);

        Assert.False(tree.Unsubscribe("a/b", other));
        Assert.False(tree.Unsubscribe("a/c", subscriber));
        Assert.False(tree.Unsubscribe("a/+", subscriber));
        Assert.False(tree.Unsubscribe("a/b/c/d", subscriber));
        Assert.True(tree.Unsubscribe("a/b", subscriber));
        Assert.False(tree.Unsubscribe("a/b", subscriber));

        Assert.Equal(0, tree.Count);
        Assert.Empty(CollectingVisitor.Match(tree, "a/b").Subscriptions);
    }

    [Fact]
    public void Unsubscribing_an_unknown_filter_creates_no_nodes()
    {
        var tree = new TopicTree<TestSubscriber, int>();
        tree.Subscribe("a", new TestSubscriber("s"), 1);

        tree.Unsubscribe("x/y/z", new TestSubscriber("s"));

        Assert.Equal(1, tree.NodeCount);
    }

    [Fact]
    public void Unsubscribe_prunes_only_nodes_left_empty()
    {
        var tree = new TopicTree<TestSubscriber, int>();
        var subscriber = new TestSubscriber("s");
        tree.Subscribe("a/b", subscriber, 1);
        tree.Subscribe("a/b/c/d", subscriber, 2);
        tree.Subscribe("a/+/#", subscriber, 3);
        Assert.Equal(6, tree.NodeCount); // a, a/b, a/b/c, a/b/c/d, a/+, a/+/#

        tree.Unsubscribe("a/b/c/d", subscriber);
        Assert.Equal(4, tree.NodeCount); // a/b stays: it still holds a subscription.

        tree.Unsubscribe("a/+/#", subscriber);
        Assert.Equal(2, tree.NodeCount);

        tree.Unsubscribe("a/b", subscriber);
        Assert.Equal(0, tree.NodeCount);
    }

    [Fact]
    public void Unsubscribing_everything_leaves_an_empty_root()
    {
        var random = new Random(7);
        var tree = new TopicTree<TestSubscriber, int>();
        var subscribers = Enumerable.Range(0, 20).Select(i => new TestSubscriber($"s{i}")).ToArray();
        string[] levels = ["a", "b", "", "+", "$SYS", "c"];
        var subscribed = new List<(string Filter, TestSubscriber Subscriber)>();

        for (var i = 0; i < 2_000; i++)
        {
            var depth = random.Next(1, 6);
            var filter = string.Join('/', Enumerable.Range(0, depth).Select(_ => levels[random.Next(levels.Length)]));
            if (filter.Length == 0 || random.Next(4) == 0)
            {
                filter += "/#";
            }

            if (random.Next(5) == 0)
            {
                filter = $"$share/g{random.Next(3)}/{filter}";
            }

            var subscriber = subscribers[random.Next(subscribers.Length)];
            if (!tree.Subscribe(filter, subscriber, i))
            {
                subscribed.Add((filter, subscriber));
            }
        }

        Assert.Equal(subscribed.Count, tree.Count);
        Assert.True(tree.NodeCount > 0);

        foreach (var (filter, subscriber) in subscribed)
        {
            Assert.True(tree.Unsubscribe(filter, subscriber));
        }

        Assert.Equal(0, tree.Count);
        Assert.Equal(0, tree.NodeCount);
        Assert.Empty(CollectingVisitor.Match(tree, "a/b").Subscriptions);
    }

    [Fact]
    public void Invalid_arguments_are_rejected()
    {
        var tree = new TopicTree<TestSubscriber, int>();
        var subscriber = new TestSubscriber("s");

        Assert.Throws<ArgumentException>(() => tree.Subscribe("", subscriber, 1));
        Assert.Throws<ArgumentNullException>(() => tree.Subscribe(null!, subscriber, 1));
        Assert.Throws<ArgumentNullException>(() => tree.Subscribe("a", null!, 1));
        Assert.Throws<ArgumentException>(() => tree.Subscribe("$share/g", subscriber, 1));
        Assert.Throws<ArgumentException>(() => tree.Subscribe("$share//a", subscriber, 1));
        Assert.Throws<ArgumentException>(() => tree.Unsubscribe("", subscriber));
        Assert.Equal(0, tree.Count);
    }

    private sealed record EqualByValue(string Name);
}
