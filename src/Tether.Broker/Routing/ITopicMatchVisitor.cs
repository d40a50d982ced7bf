namespace Tether.Broker.Routing;

/// <summary>
/// Receives the matches of <see cref="TopicTree{TSubscriber, TValue}.Match{TVisitor}"/>. Implement it on a
/// struct (or a ref struct writing into a caller-supplied span) so the match is specialised and allocation-free.
/// </summary>
/// <remarks>
/// Callbacks run on the publishing thread while the tree is being read without a lock: keep them short and
/// do not subscribe or unsubscribe from inside them. A subscriber with overlapping filters (<c>a/+</c> and
/// <c>a/#</c>) is reported once per matching filter; MQTT 5.0 §3.3.4 lets the broker deliver once or once
/// per subscription, so de-duplication is the broker's choice.
/// </remarks>
/// <typeparam name="TSubscriber">The subscriber type of the tree.</typeparam>
/// <typeparam name="TValue">The value type of the tree.</typeparam>
public interface ITopicMatchVisitor<TSubscriber, TValue>
    where TSubscriber : class
{
    /// <summary>A non-shared subscription whose filter matches the topic.</summary>
    /// <param name="subscription">The matching subscription.</param>
    void OnSubscription(SubscriptionEntry<TSubscriber, TValue> subscription);

    /// <summary>
    /// A shared subscription group whose filter matches the topic; deliver to one of
    /// <paramref name="members"/> (never empty). Use <see cref="SharedSubscriptionGroup{TSubscriber, TValue}.NextRoundRobinIndex"/>
    /// to choose where to start.
    /// </summary>
    /// <param name="group">The group, carrying its name, filter and round-robin cursor.</param>
    /// <param name="members">The snapshot of the group's members to pick from.</param>
    void OnSharedGroup(SharedSubscriptionGroup<TSubscriber, TValue> group, ReadOnlySpan<SubscriptionEntry<TSubscriber, TValue>> members);
}
