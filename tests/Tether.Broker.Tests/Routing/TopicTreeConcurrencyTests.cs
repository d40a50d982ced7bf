using System.Text;
using Tether.Broker.Routing;

namespace Tether.Broker.Tests.Routing;

/// <summary>Lock-free matching while a writer subscribes, replaces, unsubscribes and prunes.</summary>
public class TopicTreeConcurrencyTests
{
    private const int WriterOperations = 50_000;
    private const int ReaderCount = 3;

    private static readonly string[] ChurnFilters =
    [
        "a/b/c", "a/b", "a/b/c/d", "a/+", "+/b/c", "#", "a/b/c/#", "a/+/c/+", "x/y", "a//c",
        "$share/g/a/#", "$share/h/a/b/c", "$share/g/+/b/c",
    ];

    [Fact]
    public async Task Readers_always_find_subscriptions_that_are_never_removed()
    {
        var tree = new TopicTree<TestSubscriber, int>();
        var exact = new TestSubscriber("exact");
        var wildcard = new TestSubscriber("wildcard");
        var member = new TestSubscriber("member");
        tree.Subscribe("a/b/c", exact, 1);
        tree.Subscribe("a/+/c", wildcard, 2);
        tree.Subscribe("$share/g/a/#", member, 3);

        var churners = Enumerable.Range(0, 8).Select(i => new TestSubscriber($"churn{i}")).ToArray();
        var writerDone = 0;
        var misses = 0;
        var matches = 0L;
        var topic = Encoding.UTF8.GetBytes("a/b/c");

        var readers = Enumerable.Range(0, ReaderCount).Select(_ => Task.Factory.StartNew(
            () =>
            {
                // Bounded by the writer's fixed number of operations; at least one match per reader.
                do
                {
                    var visitor = new PermanentSubscriptionsVisitor(exact, wildcard, member);
                    tree.Match(topic, ref visitor);
                    if (!visitor.AllFound)
                    {
                        Interlocked.Increment(ref misses);
                    }

                    Interlocked.Increment(ref matches);
                }
                while (Volatile.Read(ref writerDone) == 0);
            },
            TaskCreationOptions.LongRunning)).ToArray();

        var writer = Task.Factory.StartNew(
            () =>
            {
                var random = new Random(42);
                try
                {
                    for (var i = 0; i < WriterOperations; i++)
                    {
                        var filter = ChurnFilters[random.Next(ChurnFilters.Length)];
                        var subscriber = churners[random.Next(churners.Length)];
                        if (random.Next(2) == 0)
                        {
                            tree.Subscribe(filter, subscriber, i);
                        }
                        else
                        {
                            tree.Unsubscribe(filter, subscriber);
                        }
                    }

                    foreach (var filter in ChurnFilters)
                    {
                        foreach (var subscriber in churners)
                        {
                            tree.Unsubscribe(filter, subscriber);
                        }
                    }
                }
                finally
                {
                    Volatile.Write(ref writerDone, 1);
                }
            },
            TaskCreationOptions.LongRunning);

        await writer;
        await Task.WhenAll(readers);

        Assert.Equal(0, misses);
        Assert.True(matches >= ReaderCount);
        Assert.Equal(3, tree.Count);
        Assert.Equal(6, tree.NodeCount); // a, a/b, a/b/c, a/+, a/+/c and a/# (which holds the group): churn left nothing.
    }

    private struct PermanentSubscriptionsVisitor(TestSubscriber exact, TestSubscriber wildcard, TestSubscriber member)
        : ITopicMatchVisitor<TestSubscriber, int>
    {
        private bool _exact;
        private bool _wildcard;
        private bool _member;

        public readonly bool AllFound => _exact && _wildcard && _member;

        public void OnSubscription(SubscriptionEntry<TestSubscriber, int> subscription)
        {
            _exact |= ReferenceEquals(subscription.Subscriber, exact) && subscription.Value == 1;
            _wildcard |= ReferenceEquals(subscription.Subscriber, wildcard) && subscription.Value == 2;
        }

        public void OnSharedGroup(SharedSubscriptionGroup<TestSubscriber, int> group, ReadOnlySpan<SubscriptionEntry<TestSubscriber, int>> members)
        {
            if (group.Name != "g" || group.TopicFilter != "a/#")
            {
                return;
            }

            foreach (var m in members)
            {
                _member |= ReferenceEquals(m.Subscriber, member) && m.Value == 3;
            }
        }
    }
}
