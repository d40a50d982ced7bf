using System.Text;
using Tether.Broker.Routing;

namespace Tether.Broker.Tests.Routing;

/// <summary>
/// The publish path allocates nothing: measured with the current thread's allocation counter, which is
/// exact, so this asserts a property of the code, not a timing.
/// </summary>
public class TopicTreeAllocationTests
{
    private const int WarmUpCalls = 2_000;
    private const int MeasuredCalls = 10_000;

    [Fact]
    public void Match_allocates_nothing_after_warm_up()
    {
        var (tree, topics) = BuildTree();
        var visitor = new CountingVisitor();
        for (var i = 0; i < WarmUpCalls; i++)
        {
            tree.Match(topics[i % topics.Length], ref visitor);
        }

        visitor = new CountingVisitor();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < MeasuredCalls; i++)
        {
            tree.Match(topics[i % topics.Length], ref visitor);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.True(visitor.Subscriptions > MeasuredCalls, "the measured calls must actually match something");
        Assert.True(visitor.GroupPicks > 0, "shared groups must be on the measured path");
    }

    [Fact]
    public void A_ref_struct_visitor_can_collect_into_a_caller_buffer_without_allocating()
    {
        var (tree, topics) = BuildTree();
        var buffer = new SubscriptionEntry<TestSubscriber, int>[256];
        var topic = topics[0];
        for (var i = 0; i < WarmUpCalls; i++)
        {
            var warm = new BufferVisitor(buffer);
            tree.Match(topic, ref warm);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        var visitor = new BufferVisitor(buffer);
        tree.Match(topic, ref visitor);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.True(visitor.Count > 0);
    }

    // About 100 filters over a realistic shape: device telemetry with per-device, per-site and global
    // wildcards, a few shared groups and $SYS.
    private static (TopicTree<TestSubscriber, int> Tree, byte[][] Topics) BuildTree()
    {
        var tree = new TopicTree<TestSubscriber, int>();
        var subscribers = Enumerable.Range(0, 10).Select(i => new TestSubscriber($"s{i}")).ToArray();
        var n = 0;
        for (var site = 0; site < 5; site++)
        {
            for (var device = 0; device < 12; device++)
            {
                tree.Subscribe($"site{site}/device{device}/temperature", subscribers[n++ % subscribers.Length], n);
            }

            tree.Subscribe($"site{site}/+/temperature", subscribers[n++ % subscribers.Length], n);
            tree.Subscribe($"site{site}/#", subscribers[n++ % subscribers.Length], n);
            tree.Subscribe($"site{site}/device0/+", subscribers[n++ % subscribers.Length], n);
            tree.Subscribe($"$share/workers/site{site}/+/temperature", subscribers[n++ % subscribers.Length], n);
            tree.Subscribe($"$share/workers/site{site}/+/temperature", subscribers[n++ % subscribers.Length], n);
        }

        tree.Subscribe("+/+/temperature", subscribers[0], 0);
        tree.Subscribe("#", subscribers[1], 0);
        tree.Subscribe("$SYS/#", subscribers[2], 0);
        tree.Subscribe("$SYS/broker/+", subscribers[3], 0);
        tree.Subscribe("$share/audit/#", subscribers[4], 0);
        for (var i = 0; i < 10; i++)
        {
            tree.Subscribe($"commands/{i}/+", subscribers[i], i);
        }

        Assert.InRange(tree.Count, 95, 110);

        byte[][] topics =
        [
            Encoding.UTF8.GetBytes("site0/device0/temperature"),
            Encoding.UTF8.GetBytes("site3/device11/temperature"),
            Encoding.UTF8.GetBytes("site4/device99/humidity"),
            Encoding.UTF8.GetBytes("$SYS/broker/uptime"),
            Encoding.UTF8.GetBytes("commands/7/reboot"),
            Encoding.UTF8.GetBytes("unknown/level/that/matches/only/the/hash"),
            Encoding.UTF8.GetBytes("site1//temperature"),
        ];
        return (tree, topics);
    }

    private struct CountingVisitor : ITopicMatchVisitor<TestSubscriber, int>
    {
        public int Subscriptions;
        public int GroupPicks;

        public void OnSubscription(SubscriptionEntry<TestSubscriber, int> subscription) => Subscriptions++;

        public void OnSharedGroup(SharedSubscriptionGroup<TestSubscriber, int> group, ReadOnlySpan<SubscriptionEntry<TestSubscriber, int>> members)
        {
            // What the broker will do: advance the group's cursor and take the first online member from there.
            var start = group.NextRoundRobinIndex(members.Length);
            for (var i = 0; i < members.Length; i++)
            {
                if (members[(start + i) % members.Length].Subscriber.IsOnline)
                {
                    GroupPicks++;
                    break;
                }
            }
        }
    }

    private ref struct BufferVisitor(Span<SubscriptionEntry<TestSubscriber, int>> buffer) : ITopicMatchVisitor<TestSubscriber, int>
    {
        private readonly Span<SubscriptionEntry<TestSubscriber, int>> _buffer = buffer;

        public int Count { get; private set; }

        public void OnSubscription(SubscriptionEntry<TestSubscriber, int> subscription) => _buffer[Count++] = subscription;

        public void OnSharedGroup(SharedSubscriptionGroup<TestSubscriber, int> group, ReadOnlySpan<SubscriptionEntry<TestSubscriber, int>> members) =>
            _buffer[Count++] = members[group.NextRoundRobinIndex(members.Length)];
    }
}
