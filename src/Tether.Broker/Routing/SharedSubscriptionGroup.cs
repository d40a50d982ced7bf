namespace Tether.Broker.Routing;

/// <summary>
/// The members of one shared subscription <c>$share/{Name}/{TopicFilter}</c> (MQTT 5.0 §4.8.2). A message
/// matching the filter goes to exactly one member per group (§4.8.2); the tree hands the whole
/// group to the broker, which picks the member.
/// </summary>
/// <remarks>
/// The group object stays the same for as long as it has members, so its round-robin cursor survives
/// members joining and leaving. Picking a member, skipping the ones the broker considers unavailable:
/// <code>
/// var start = group.NextRoundRobinIndex(members.Length);
/// for (var i = 0; i &lt; members.Length; i++)
/// {
///     var candidate = members[(start + i) % members.Length];
///     if (candidate.Subscriber.IsOnline) { Deliver(candidate); break; }
/// }
/// </code>
/// </remarks>
/// <typeparam name="TSubscriber">The subscriber type of the tree.</typeparam>
/// <typeparam name="TValue">The value type of the tree.</typeparam>
public sealed class SharedSubscriptionGroup<TSubscriber, TValue>
    where TSubscriber : class
{
    private SubscriptionEntry<TSubscriber, TValue>[] _members = [];

    // Shared by every publisher matching this group; only ever moved with Interlocked.
    private int _cursor = -1;

    internal SharedSubscriptionGroup(string name, string topicFilter)
    {
        Name = name;
        TopicFilter = topicFilter;
    }

    /// <summary>The share name (the <c>{group}</c> of <c>$share/{group}/{filter}</c>).</summary>
    public string Name { get; }

    /// <summary>The topic filter without the <c>$share/{group}/</c> prefix.</summary>
    public string TopicFilter { get; }

    /// <summary>
    /// A snapshot of the members, in the order they joined. Read it once per message: a later read may
    /// return a newer snapshot. The match visitor already receives the snapshot it should use.
    /// </summary>
    public ReadOnlySpan<SubscriptionEntry<TSubscriber, TValue>> Members => Volatile.Read(ref _members);

    /// <summary>
    /// Advances the group's round-robin cursor and returns where to start looking for a member,
    /// in <c>[0, memberCount)</c>. Thread-safe and lock-free; returns 0 when <paramref name="memberCount"/> is 0 or less.
    /// </summary>
    /// <param name="memberCount">The length of the member snapshot the caller is picking from.</param>
    public int NextRoundRobinIndex(int memberCount)
    {
        if (memberCount <= 0)
        {
            return 0;
        }

        // Unsigned so the cursor keeps cycling after it wraps past int.MaxValue.
        var ticket = (uint)Interlocked.Increment(ref _cursor);
        return (int)(ticket % (uint)memberCount);
    }

    /// <summary>Whether the group has no member left (writers only).</summary>
    internal bool IsEmpty => _members.Length == 0;

    /// <summary>Adds or replaces a member; true when it replaced one. Caller holds the writer lock.</summary>
    internal bool AddOrReplace(SubscriptionEntry<TSubscriber, TValue> entry) =>
        CopyOnWriteSubscriptions.AddOrReplace(ref _members, entry);

    /// <summary>Removes a member; false when it was not one. Caller holds the writer lock.</summary>
    internal bool Remove(TSubscriber subscriber) => CopyOnWriteSubscriptions.Remove(ref _members, subscriber);
}
