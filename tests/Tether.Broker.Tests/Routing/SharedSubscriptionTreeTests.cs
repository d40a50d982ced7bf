using Tether.Broker.Routing;

namespace Tether.Broker.Tests.Routing;

/// <summary>Shared subscriptions <c>$share/{group}/{filter}</c> (MQTT 5.0 §4.8.2) in the topic tree.</summary>
public class SharedSubscriptionTreeTests
{
    [Fact]
    public void A_matching_group_is_reported_once_with_all_its_members()
    {
        var tree = new TopicTree<TestSubscriber, int>();
        var members = new[] { new TestSubscriber("m1"), new TestSubscriber("m2"), new TestSubscriber("m3") };
        for (var i = 0; i < members.Length; i++)
        {
            tree.Subscribe("$share/workers/jobs/+", members[i], i);
        }

        var seen = CollectingVisitor.Match(tree, "jobs/42");

        Assert.Empty(seen.Subscriptions);
        var (group, snapshot) = Assert.Single(seen.Groups);
        Assert.Equal("workers", group.Name);
        Assert.Equal("jobs/+", group.TopicFilter);
        Assert.Equal(members, snapshot.Select(m => m.Subscriber));
        Assert.All(snapshot, m => Assert.Equal("$share/workers/jobs/+", m.Filter));
        Assert.Equal(3, tree.Count);
    }

    [Fact]
    public void Round_robin_cursor_visits_every_member_in_turn()
    {
        var tree = new TopicTree<TestSubscriber, int>();
        var members = Enumerable.Range(0, 3).Select(i => new TestSubscriber($"m{i}")).ToArray();
        foreach (var member in members)
        {
            tree.Subscribe("$share/g/t", member, 0);
        }

        var picks = new List<TestSubscriber>();
        for (var message = 0; message < 9; message++)
        {
            var (group, snapshot) = Assert.Single(CollectingVisitor.Match(tree, "t").Groups);
            picks.Add(snapshot[group.NextRoundRobinIndex(snapshot.Length)].Subscriber);
        }

        Assert.Equal([.. members, .. members, .. members], picks);
    }

    [Fact]
    public void Broker_can_skip_offline_members_when_picking()
    {
        var tree = new TopicTree<TestSubscriber, int>();
        var online1 = new TestSubscriber("on1");
        var offline = new TestSubscriber("off") { IsOnline = false };
        var online2 = new TestSubscriber("on2");
        tree.Subscribe("$share/g/t", online1, 0);
        tree.Subscribe("$share/g/t", offline, 0);
        tree.Subscribe("$share/g/t", online2, 0);

        var picks = new List<TestSubscriber>();
        for (var message = 0; message < 6; message++)
        {
            var (group, snapshot) = Assert.Single(CollectingVisitor.Match(tree, "t").Groups);
            var start = group.NextRoundRobinIndex(snapshot.Length);
            for (var i = 0; i < snapshot.Length; i++)
            {
                var candidate = snapshot[(start + i) % snapshot.Length].Subscriber;
                if (candidate.IsOnline)
                {
                    picks.Add(candidate);
                    break;
                }
            }
        }

        Assert.DoesNotContain(offline, picks);
        Assert.Equal(6, picks.Count);
        Assert.Contains(online1, picks);
        Assert.Contains(online2, picks);
    }

    [Fact]
    public void Different_groups_and_different_filters_are_different_groups()
    {
        var tree = new TopicTree<TestSubscriber, int>();
        var subscriber = new TestSubscriber("s");
        tree.Subscribe("$share/g1/a/b", subscriber, 1);
        tree.Subscribe("$share/g2/a/b", subscriber, 2);
        tree.Subscribe("$share/g1/a/+", subscriber, 3);
        tree.Subscribe("$share/g1/a/#", subscriber, 4);

        var seen = CollectingVisitor.Match(tree, "a/b");

        Assert.Equal(4, seen.Groups.Count);
        Assert.Equal(
            ["g1 a/#", "g1 a/+", "g1 a/b", "g2 a/b"],
            seen.Groups.Select(g => $"{g.Group.Name} {g.Group.TopicFilter}").Order(StringComparer.Ordinal));
        Assert.Equal(4, tree.Count);
    }

    [Fact]
    public void Shared_and_ordinary_subscriptions_of_one_subscriber_are_independent()
    {
        var tree = new TopicTree<TestSubscriber, int>();
        var subscriber = new TestSubscriber("s");
        tree.Subscribe("a/b", subscriber, 1);
        tree.Subscribe("$share/g/a/b", subscriber, 2);

        var seen = CollectingVisitor.Match(tree, "a/b");
        Assert.Single(seen.Subscriptions);
        Assert.Single(seen.Groups);

        Assert.True(tree.Unsubscribe("a/b", subscriber));
        seen = CollectingVisitor.Match(tree, "a/b");
        Assert.Empty(seen.Subscriptions);
        Assert.Single(seen.Groups);

        Assert.False(tree.Unsubscribe("a/b", subscriber));
        Assert.False(tree.Unsubscribe("$share/other/a/b", subscriber));
        Assert.True(tree.Unsubscribe("$share/g/a/b", subscriber));
        Assert.Equal(0, tree.NodeCount);
    }

    [Fact]
    public void Resubscribing_a_member_replaces_its_value_in_place()
    {
        var tree = new TopicTree<TestSubscriber, int>();
        var first = new TestSubscriber("first");
        var second = new TestSubscriber("second");
        tree.Subscribe("$share/g/t", first, 1);
        tree.Subscribe("$share/g/t", second, 2);

        Assert.True(tree.Subscribe("$share/g/t", first, 10));

        Assert.Equal(2, tree.Count);
        var (_, snapshot) = Assert.Single(CollectingVisitor.Match(tree, "t").Groups);
        Assert.Equal([first, second], snapshot.Select(m => m.Subscriber));
        Assert.Equal([10, 2], snapshot.Select(m => m.Value));
    }

    [Fact]
    public void Group_keeps_its_identity_and_cursor_while_members_come_and_go()
    {
        var tree = new TopicTree<TestSubscriber, int>();
        var stays = new TestSubscriber("stays");
        var leaves = new TestSubscriber("leaves");
        tree.Subscribe("$share/g/t", stays, 0);
        tree.Subscribe("$share/g/t", leaves, 0);
        var before = Assert.Single(CollectingVisitor.Match(tree, "t").Groups).Group;

        Assert.True(tree.Unsubscribe("$share/g/t", leaves));

        var (after, snapshot) = Assert.Single(CollectingVisitor.Match(tree, "t").Groups);
        Assert.Same(before, after);
        Assert.Equal([stays], snapshot.Select(m => m.Subscriber));
        Assert.Equal(1, tree.Count);
    }

    [Fact]
    public void Last_member_leaving_removes_the_group_and_its_nodes()
    {
        var tree = new TopicTree<TestSubscriber, int>();
        var member = new TestSubscriber("m");
        tree.Subscribe("$share/g/a/b/#", member, 0);

        Assert.False(tree.Unsubscribe("$share/g/a/b/#", new TestSubscriber("stranger")));
        Assert.True(tree.Unsubscribe("$share/g/a/b/#", member));

        Assert.Empty(CollectingVisitor.Match(tree, "a/b/c").Groups);
        Assert.Equal(0, tree.Count);
        Assert.Equal(0, tree.NodeCount);
    }

    [Fact]
    public void Shared_wildcard_filters_do_not_match_dollar_topics()
    {
        // [MQTT-4.7.2-1] applies to the filter after the $share/{group}/ prefix.
        var tree = new TopicTree<TestSubscriber, int>();
        tree.Subscribe("$share/g/#", new TestSubscriber("all"), 0);
        tree.Subscribe("$share/g/$SYS/#", new TestSubscriber("sys"), 0);

        var (group, _) = Assert.Single(CollectingVisitor.Match(tree, "$SYS/broker/uptime").Groups);

        Assert.Equal("$SYS/#", group.TopicFilter);
    }

    [Fact]
    public void Round_robin_index_stays_in_range_after_the_cursor_wraps()
    {
        var tree = new TopicTree<TestSubscriber, int>();
        tree.Subscribe("$share/g/t", new TestSubscriber("m"), 0);
        var group = Assert.Single(CollectingVisitor.Match(tree, "t").Groups).Group;
        var cursor = typeof(SharedSubscriptionGroup<TestSubscriber, int>)
            .GetField("_cursor", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!;
        cursor.SetValue(group, int.MaxValue - 2);

        for (var i = 0; i < 10; i++)
        {
            var index = group.NextRoundRobinIndex(7);
            Assert.InRange(index, 0, 6);
        }

        Assert.Equal(0, group.NextRoundRobinIndex(0));
    }
}
