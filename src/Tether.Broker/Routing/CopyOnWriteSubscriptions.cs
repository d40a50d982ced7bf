namespace Tether.Broker.Routing;

/// <summary>
/// Copy-on-write edits of a subscription array that lock-free readers may be iterating. A published array
/// is never modified: each edit builds a new one and publishes it with a single volatile write, so a reader
/// sees the whole old list or the whole new one. Callers hold the tree's writer lock.
/// </summary>
/// <remarks>
/// Order is preserved on removal so a shared group's round-robin cursor keeps walking members in the
/// order they joined. The cost is O(subscribers of that one node or group) per subscribe/unsubscribe,
/// paid by the writer, never by a publish.
/// </remarks>
internal static class CopyOnWriteSubscriptions
{
    /// <summary>Adds <paramref name="entry"/>, or replaces the entry of the same subscriber (true).</summary>
    public static bool AddOrReplace<TSubscriber, TValue>(
        ref SubscriptionEntry<TSubscriber, TValue>[] array,
        SubscriptionEntry<TSubscriber, TValue> entry)
        where TSubscriber : class
    {
        var current = array;
        var index = IndexOf(current, entry.Subscriber);
        SubscriptionEntry<TSubscriber, TValue>[] next;
        if (index >= 0)
        {
            next = (SubscriptionEntry<TSubscriber, TValue>[])current.Clone();
            next[index] = entry;
        }
        else
        {
            next = new SubscriptionEntry<TSubscriber, TValue>[current.Length + 1];
            current.CopyTo(next, 0);
            next[^1] = entry;
        }

        Volatile.Write(ref array, next);
        return index >= 0;
    }

    /// <summary>Removes the entry of <paramref name="subscriber"/>; false when it had none.</summary>
    public static bool Remove<TSubscriber, TValue>(
        ref SubscriptionEntry<TSubscriber, TValue>[] array,
        TSubscriber subscriber)
        where TSubscriber : class
    {
        var current = array;
        var index = IndexOf(current, subscriber);
        if (index < 0)
        {
            return false;
        }

        if (current.Length == 1)
        {
            Volatile.Write(ref array, []);
            return true;
        }

        var next = new SubscriptionEntry<TSubscriber, TValue>[current.Length - 1];
        Array.Copy(current, 0, next, 0, index);
        Array.Copy(current, index + 1, next, index, current.Length - index - 1);
        Volatile.Write(ref array, next);
        return true;
    }

    private static int IndexOf<TSubscriber, TValue>(SubscriptionEntry<TSubscriber, TValue>[] array, TSubscriber subscriber)
        where TSubscriber : class
    {
        for (var i = 0; i < array.Length; i++)
        {
            // Subscribers are identities (sessions), never compared by value.
            if (ReferenceEquals(array[i].Subscriber, subscriber))
            {
                return i;
            }
        }

        return -1;
    }
}
