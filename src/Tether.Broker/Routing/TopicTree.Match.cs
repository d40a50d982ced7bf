using System.Runtime.CompilerServices;

namespace Tether.Broker.Routing;

// The publish path. Rationale: walk the tree level by level along the topic. At each node, a '#' child
// matches whatever is left (including nothing: "sport/#" matches "sport" [MQTT-4.7.1-2]); a '+' child
// matches exactly the current level, empty or not, and is explored recursively; the literal child for the
// current level is followed iteratively. When the levels run out, the node reached holds the exact matches.
// So the work done is proportional to the nodes the topic's levels reach, not to the subscriptions stored.
public sealed partial class TopicTree<TSubscriber, TValue>
{
    private const byte DollarSign = (byte)'$';

    /// <summary>
    /// Reports every subscription whose filter matches <paramref name="topicUtf8"/> to
    /// <paramref name="visitor"/>: <see cref="ITopicMatchVisitor{TSubscriber, TValue}.OnSubscription"/> for
    /// ordinary subscriptions, <see cref="ITopicMatchVisitor{TSubscriber, TValue}.OnSharedGroup"/> once per
    /// matching shared group. Takes no lock and allocates nothing.
    /// </summary>
    /// <param name="topicUtf8">The published topic name, UTF-8, as it came off the wire.</param>
    /// <param name="visitor">Receives the matches; passed by reference so it can accumulate state.</param>
    /// <typeparam name="TVisitor">A struct or ref struct visitor, so the calls are specialised and inlined.</typeparam>
    /// <exception cref="InsufficientExecutionStackException">
    /// The filters reached nest more <c>+</c> levels than the stack can walk; the broker should cap topic levels.
    /// </exception>
    public void Match<TVisitor>(ReadOnlySpan<byte> topicUtf8, ref TVisitor visitor)
        where TVisitor : struct, ITopicMatchVisitor<TSubscriber, TValue>, allows ref struct
    {
        // Filters starting with a wildcard do not match topics starting with '$' [MQTT-4.7.2-1]; only the
        // first level is concerned, so the flag is dropped as soon as the walk leaves the root.
        var dollarTopic = !topicUtf8.IsEmpty && topicUtf8[0] == DollarSign;
        MatchFrom(_root, new TopicLevelEnumerator(topicUtf8), skipWildcards: dollarTopic, ref visitor);
    }

    private static void MatchFrom<TVisitor>(
        TopicTreeNode<TSubscriber, TValue> node,
        scoped TopicLevelEnumerator levels,
        bool skipWildcards,
        ref TVisitor visitor)
        where TVisitor : struct, ITopicMatchVisitor<TSubscriber, TValue>, allows ref struct
    {
        while (true)
        {
            if (!skipWildcards && node.MultiLevelWildcard is { } multiLevel)
            {
                // '#' matches this node's level and every level below it [MQTT-4.7.1-2].
                Report(multiLevel, ref visitor);
            }

            if (!levels.MoveNext())
            {
                Report(node, ref visitor);
                return;
            }

            if (!skipWildcards && node.SingleLevelWildcard is { } singleLevel)
            {
                // '+' matches exactly one level, including an empty one [MQTT-4.7.1-3]. Recursion depth is
                // bounded by the '+' levels of stored filters; a hostile filter of thousands of '+' levels
                // must fail this publish, not overflow the stack and kill the process.
                RuntimeHelpers.EnsureSufficientExecutionStack();
                MatchFrom(singleLevel, levels, skipWildcards: false, ref visitor);
            }

            // Topic levels are compared byte for byte: names are case sensitive (§4.7.3).
            var literal = node.FindLiteralChild(levels.Current);
            if (literal is null)
            {
                return;
            }

            node = literal;
            skipWildcards = false;
        }
    }

    private static void Report<TVisitor>(TopicTreeNode<TSubscriber, TValue> node, ref TVisitor visitor)
        where TVisitor : struct, ITopicMatchVisitor<TSubscriber, TValue>, allows ref struct
    {
        foreach (var subscription in node.Subscriptions)
        {
            visitor.OnSubscription(subscription);
        }

        foreach (var group in node.SharedGroups)
        {
            // One snapshot per message, handed to the broker so it picks from the same list it checked.
            var members = group.Members;
            if (!members.IsEmpty)
            {
                visitor.OnSharedGroup(group, members);
            }
        }
    }
}
