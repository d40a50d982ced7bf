namespace Tether.Broker.Routing;

/// <summary>
/// One subscription stored in a <see cref="TopicTree{TSubscriber, TValue}"/>: who subscribed, with which
/// filter, and what the broker attached to it. Immutable: replacing a subscription stores a new entry.
/// </summary>
/// <typeparam name="TSubscriber">The subscriber (for the broker, its session); compared by reference.</typeparam>
/// <typeparam name="TValue">What the broker needs at delivery time (QoS, options, subscription identifier).</typeparam>
public sealed class SubscriptionEntry<TSubscriber, TValue>
    where TSubscriber : class
{
    internal SubscriptionEntry(string filter, TSubscriber subscriber, TValue value)
    {
        Filter = filter;
        Subscriber = subscriber;
        Value = value;
    }

    /// <summary>The filter exactly as passed to <c>Subscribe</c>, including any <c>$share/{group}/</c> prefix.</summary>
    public string Filter { get; }

    /// <summary>The subscriber that owns this subscription.</summary>
    public TSubscriber Subscriber { get; }

    /// <summary>The value stored with the subscription.</summary>
    public TValue Value { get; }
}
