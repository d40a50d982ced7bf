using System.Text;

namespace Tether.Broker.Routing;

/// <summary>
/// The subscription tree the router matches published topics against (MQTT 3.1.1 / 5.0 §4.7), with
/// shared subscriptions (5.0 §4.8.2). One node per filter level; a publish walks only the nodes its
/// levels reach, so its cost grows with the number of matching levels, not with the number of subscriptions.
/// </summary>
/// <remarks>
/// <para>Concurrency: <see cref="Match{TVisitor}"/> takes no lock and never waits. <see cref="Subscribe"/>
/// and <see cref="Unsubscribe"/> serialise on one writer lock and publish every change with copy-on-write
/// arrays and volatile writes, so a concurrent match sees each node either before or after a change.</para>
/// <para>A subscription is keyed by (subscriber reference, filter string). For a shared filter
/// <c>$share/{group}/{filter}</c> the key is (subscriber, group, filter); the subscriber becomes a member
/// of that group and the match reports the group instead of the member.</para>
/// <para>Filters must already be valid (the codec checks them); topics are UTF-8 topic names.</para>
/// </remarks>
/// <typeparam name="TSubscriber">The subscriber, e.g. the broker's session; compared by reference.</typeparam>
/// <typeparam name="TValue">Stored with each subscription: QoS, options, subscription identifier.</typeparam>
public sealed partial class TopicTree<TSubscriber, TValue>
    where TSubscriber : class
{
    private readonly TopicTreeNode<TSubscriber, TValue> _root = new(parent: null, level: []);
    private readonly Lock _writeLock = new();
    private int _count;
    private int _nodeCount;

    /// <summary>The number of subscriptions stored, shared-group memberships included.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>The number of nodes below the root; 0 once every subscription is gone (tests check pruning).</summary>
    internal int NodeCount => Volatile.Read(ref _nodeCount);

    /// <summary>
    /// Adds a subscription, or replaces the value of the one <paramref name="subscriber"/> already has for
    /// the same <paramref name="filter"/> [MQTT-3.8.4-3].
    /// </summary>
    /// <param name="filter">A valid topic filter, possibly <c>$share/{group}/{filter}</c>.</param>
    /// <param name="subscriber">The subscriber; compared by reference.</param>
    /// <param name="value">What to hand back on a match.</param>
    /// <returns>True when an existing subscription was replaced; false when one was added.</returns>
    public bool Subscribe(string filter, TSubscriber subscriber, TValue value)
    {
        ArgumentException.ThrowIfNullOrEmpty(filter);
        ArgumentNullException.ThrowIfNull(subscriber);

        var shared = SharedSubscriptionFilter.TrySplit(filter, out var group, out var topicFilter);
        var levels = Encoding.UTF8.GetBytes(topicFilter);
        var entry = new SubscriptionEntry<TSubscriber, TValue>(filter, subscriber, value);

        lock (_writeLock)
        {
            var node = _root;
            var enumerator = new TopicLevelEnumerator(levels);
            while (enumerator.MoveNext())
            {
                node = node.GetOrAddFilterChild(enumerator.Current, out var created);
                if (created)
                {
                    _nodeCount++;
                }
            }

            var replaced = shared
                ? node.GetOrAddSharedGroup(group, topicFilter).AddOrReplace(entry)
                : node.AddOrReplaceSubscription(entry);
            if (!replaced)
            {
                _count++;
            }

            return replaced;
        }
    }

    /// <summary>
    /// Removes the subscription of <paramref name="subscriber"/> to <paramref name="filter"/>, and any tree
    /// node (or shared group) left empty by it, so churning clients leave nothing behind.
    /// </summary>
    /// <param name="filter">The filter exactly as subscribed, including any <c>$share/{group}/</c> prefix.</param>
    /// <param name="subscriber">The subscriber; compared by reference.</param>
    /// <returns>Whether the subscription existed (5.0 UNSUBACK reports "no subscription existed" otherwise).</returns>
    public bool Unsubscribe(string filter, TSubscriber subscriber)
    {
        ArgumentException.ThrowIfNullOrEmpty(filter);
        ArgumentNullException.ThrowIfNull(subscriber);

        var shared = SharedSubscriptionFilter.TrySplit(filter, out var group, out var topicFilter);
        var levels = Encoding.UTF8.GetBytes(topicFilter);

        lock (_writeLock)
        {
            var node = _root;
            var enumerator = new TopicLevelEnumerator(levels);
            while (enumerator.MoveNext())
            {
                node = node.FindFilterChild(enumerator.Current);
                if (node is null)
                {
                    return false;
                }
            }

            if (shared)
            {
                var sharedGroup = node.FindSharedGroup(group);
                if (sharedGroup is null || !sharedGroup.Remove(subscriber))
                {
                    return false;
                }

                if (sharedGroup.IsEmpty)
                {
                    node.RemoveSharedGroup(sharedGroup);
                }
            }
            else if (!node.RemoveSubscription(subscriber))
            {
                return false;
            }

            _count--;
            Prune(node);
            return true;
        }
    }

    // Walks up from a node that just lost a subscription, detaching every node left with nothing in or
    // below it. A reader already standing on a detached node just finds it empty, which is the new state.
    private void Prune(TopicTreeNode<TSubscriber, TValue> node)
    {
        while (node.Parent is { } parent && node.IsEmpty)
        {
            parent.RemoveChild(node);
            _nodeCount--;
            node = parent;
        }
    }
}
