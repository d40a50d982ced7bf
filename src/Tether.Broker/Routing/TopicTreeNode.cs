using System.Collections.Concurrent;

namespace Tether.Broker.Routing;

/// <summary>
/// One level of the topic tree: the subscriptions whose filter ends here, the shared groups whose filter
/// ends here, and the children for the next level (literal levels in a dictionary, <c>+</c> and <c>#</c>
/// in fields of their own so a publish checks them without a lookup).
/// </summary>
/// <remarks>
/// Readers (publish) use only the members documented as lock-free; every mutable reference they touch is
/// published with a volatile write, and arrays are copy-on-write, so a reader sees a node's old or new
/// state, never a torn one. Writers hold the tree's lock, which is why writer-only state (counts, plain
/// reads of the arrays) needs no further synchronisation.
/// </remarks>
internal sealed class TopicTreeNode<TSubscriber, TValue>
    where TSubscriber : class
{
    // Writers are serialised by the tree's lock, so one lock stripe is enough; it keeps an idle node small.
    private const int DictionaryConcurrencyLevel = 1;

    private ConcurrentDictionary<byte[], TopicTreeNode<TSubscriber, TValue>>? _children;
    private TopicTreeNode<TSubscriber, TValue>? _singleLevelWildcard;
    private TopicTreeNode<TSubscriber, TValue>? _multiLevelWildcard;
    private SubscriptionEntry<TSubscriber, TValue>[] _subscriptions = [];
    private SharedSubscriptionGroup<TSubscriber, TValue>[] _sharedGroups = [];

    public TopicTreeNode(TopicTreeNode<TSubscriber, TValue>? parent, byte[] level)
    {
        Parent = parent;
        Level = level;
    }

    /// <summary>The node one level up; null for the root. Used by writers to prune.</summary>
    public TopicTreeNode<TSubscriber, TValue>? Parent { get; }

    /// <summary>This node's level in its parent (UTF-8); <c>+</c> or <c>#</c> for the wildcard children.</summary>
    public byte[] Level { get; }

    // ---- Lock-free reads (publish path) ----

    /// <summary>The <c>+</c> child, if any filter has a single-level wildcard here.</summary>
    public TopicTreeNode<TSubscriber, TValue>? SingleLevelWildcard => Volatile.Read(ref _singleLevelWildcard);

    /// <summary>The <c>#</c> child, if any filter ends with a multi-level wildcard here.</summary>
    public TopicTreeNode<TSubscriber, TValue>? MultiLevelWildcard => Volatile.Read(ref _multiLevelWildcard);

    /// <summary>Snapshot of the non-shared subscriptions whose filter ends at this node.</summary>
    public ReadOnlySpan<SubscriptionEntry<TSubscriber, TValue>> Subscriptions => Volatile.Read(ref _subscriptions);

    /// <summary>Snapshot of the shared groups whose filter ends at this node.</summary>
    public ReadOnlySpan<SharedSubscriptionGroup<TSubscriber, TValue>> SharedGroups => Volatile.Read(ref _sharedGroups);

    /// <summary>The literal child for <paramref name="level"/>, found without allocating.</summary>
    public TopicTreeNode<TSubscriber, TValue>? FindLiteralChild(ReadOnlySpan<byte> level)
    {
        var children = Volatile.Read(ref _children);
        if (children is null)
        {
            return null;
        }

        // The alternate lookup is a struct wrapping the dictionary: probing with a span slice of the topic
        // hashes and compares the bytes in place, with no key array created.
        return children.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(level, out var child) ? child : null;
    }

    // ---- Writer operations (caller holds the tree's lock) ----

    /// <summary>Whether nothing is stored at or below this node, so it can be pruned.</summary>
    public bool IsEmpty =>
        _subscriptions.Length == 0
        && _sharedGroups.Length == 0
        && _singleLevelWildcard is null
        && _multiLevelWildcard is null
        && _children is null;

    /// <summary>The child for a filter level (wildcards included), or null.</summary>
    public TopicTreeNode<TSubscriber, TValue>? FindFilterChild(ReadOnlySpan<byte> level)
    {
        if (IsSingleLevelWildcard(level))
        {
            return _singleLevelWildcard;
        }

        return IsMultiLevelWildcard(level) ? _multiLevelWildcard : FindLiteralChild(level);
    }

    /// <summary>The child for a filter level, created if missing; <paramref name="created"/> says which.</summary>
    public TopicTreeNode<TSubscriber, TValue> GetOrAddFilterChild(ReadOnlySpan<byte> level, out bool created)
    {
        var existing = FindFilterChild(level);
        if (existing is not null)
        {
            created = false;
            return existing;
        }

        created = true;
        var child = new TopicTreeNode<TSubscriber, TValue>(this, level.ToArray());
        if (IsSingleLevelWildcard(level))
        {
            Volatile.Write(ref _singleLevelWildcard, child);
        }
        else if (IsMultiLevelWildcard(level))
        {
            Volatile.Write(ref _multiLevelWildcard, child);
        }
        else
        {
            var children = _children;
            if (children is null)
            {
                children = new ConcurrentDictionary<byte[], TopicTreeNode<TSubscriber, TValue>>(
                    DictionaryConcurrencyLevel, capacity: 1, TopicLevelComparer.Instance);
                children.TryAdd(child.Level, child);

                // Published only once it holds the child, so a reader never needs a second look.
                Volatile.Write(ref _children, children);
            }
            else
            {
                children.TryAdd(child.Level, child);
            }
        }

        return child;
    }

    /// <summary>Detaches an (empty) child so it can be collected.</summary>
    public void RemoveChild(TopicTreeNode<TSubscriber, TValue> child)
    {
        if (ReferenceEquals(child, _singleLevelWildcard))
        {
            Volatile.Write(ref _singleLevelWildcard, null);
        }
        else if (ReferenceEquals(child, _multiLevelWildcard))
        {
            Volatile.Write(ref _multiLevelWildcard, null);
        }
        else if (_children is { } children && children.TryRemove(child.Level, out _) && children.IsEmpty)
        {
            // Drop the empty dictionary too: a churned-through level should cost nothing afterwards.
            Volatile.Write(ref _children, null);
        }
    }

    /// <summary>Adds or replaces a non-shared subscription; true when it replaced one.</summary>
    public bool AddOrReplaceSubscription(SubscriptionEntry<TSubscriber, TValue> entry) =>
        CopyOnWriteSubscriptions.AddOrReplace(ref _subscriptions, entry);

    /// <summary>Removes a subscriber's non-shared subscription; false when it had none.</summary>
    public bool RemoveSubscription(TSubscriber subscriber) =>
        CopyOnWriteSubscriptions.Remove(ref _subscriptions, subscriber);

    /// <summary>The shared group named <paramref name="name"/> at this node, or null.</summary>
    public SharedSubscriptionGroup<TSubscriber, TValue>? FindSharedGroup(string name)
    {
        foreach (var group in _sharedGroups)
        {
            if (string.Equals(group.Name, name, StringComparison.Ordinal))
            {
                return group;
            }
        }

        return null;
    }

    /// <summary>Returns the shared group named <paramref name="name"/>, creating it if missing.</summary>
    public SharedSubscriptionGroup<TSubscriber, TValue> GetOrAddSharedGroup(string name, string topicFilter)
    {
        var group = FindSharedGroup(name);
        if (group is not null)
        {
            return group;
        }

        group = new SharedSubscriptionGroup<TSubscriber, TValue>(name, topicFilter);
        var current = _sharedGroups;
        var next = new SharedSubscriptionGroup<TSubscriber, TValue>[current.Length + 1];
        current.CopyTo(next, 0);
        next[^1] = group;
        Volatile.Write(ref _sharedGroups, next);
        return group;
    }

    /// <summary>Detaches a shared group that has no members left.</summary>
    public void RemoveSharedGroup(SharedSubscriptionGroup<TSubscriber, TValue> group)
    {
        var current = _sharedGroups;
        var index = Array.IndexOf(current, group);
        if (index < 0)
        {
            return;
        }

        var next = new SharedSubscriptionGroup<TSubscriber, TValue>[current.Length - 1];
        Array.Copy(current, 0, next, 0, index);
        Array.Copy(current, index + 1, next, index, current.Length - index - 1);
        Volatile.Write(ref _sharedGroups, next);
    }

    // Filters reach the tree validated by the codec, so a level of exactly "+" or "#" is always the wildcard
    // [MQTT-4.7.1-2], [MQTT-4.7.1-3]; topic names never contain either character [MQTT-3.3.2-2].
    private static bool IsSingleLevelWildcard(ReadOnlySpan<byte> level) => level.Length == 1 && level[0] == (byte)'+';

    private static bool IsMultiLevelWildcard(ReadOnlySpan<byte> level) => level.Length == 1 && level[0] == (byte)'#';
}
