using Tether.Broker.Routing;

namespace Tether.Broker.Tests.Routing;

/// <summary>Test visitor that records every match (tests may allocate; the publish path may not).</summary>
internal struct CollectingVisitor : ITopicMatchVisitor<TestSubscriber, int>
{
    public CollectingVisitor()
    {
    }

    public List<SubscriptionEntry<TestSubscriber, int>> Subscriptions { get; } = [];

    public List<(SharedSubscriptionGroup<TestSubscriber, int> Group, SubscriptionEntry<TestSubscriber, int>[] Members)> Groups { get; } = [];

    public readonly void OnSubscription(SubscriptionEntry<TestSubscriber, int> subscription) => Subscriptions.Add(subscription);

    public readonly void OnSharedGroup(SharedSubscriptionGroup<TestSubscriber, int> group, ReadOnlySpan<SubscriptionEntry<TestSubscriber, int>> members) =>
        Groups.Add((group, members.ToArray()));

    /// <summary>Runs a match and returns what it saw.</summary>
    public static CollectingVisitor Match(TopicTree<TestSubscriber, int> tree, string topic)
    {
        var visitor = new CollectingVisitor();
        tree.Match(System.Text.Encoding.UTF8.GetBytes(topic), ref visitor);
        return visitor;
    }
}
