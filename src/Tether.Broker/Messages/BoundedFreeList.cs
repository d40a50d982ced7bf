using System.Collections.Concurrent;

namespace Tether.Broker;

/// <summary>
/// Free objects kept for reuse, lock-free and bounded. A concurrent queue rather than per-thread lists, because the
/// broker's pooled objects are taken on one thread (a publisher's reader) and mostly given back on others
/// (subscribers' writers), so a per-thread list would empty on one side and overflow on the other. Beyond the bound
/// objects given back are refused and left to the garbage collector, so a burst does not pin memory forever.
/// </summary>
internal sealed class BoundedFreeList<T>(int capacity)
    where T : class
{
    private readonly ConcurrentQueue<T> _free = new();
    private int _count;

    /// <summary>A free object, if one is kept.</summary>
    public bool TryTake(out T item)
    {
        if (_free.TryDequeue(out item!))
        {
            Interlocked.Decrement(ref _count);
            return true;
        }

        return false;
    }

    /// <summary>Keeps <paramref name="item"/> for reuse; false when the list is full and the caller should let it go.</summary>
    public bool TryGiveBack(T item)
    {
        if (Interlocked.Increment(ref _count) > capacity)
        {
            Interlocked.Decrement(ref _count);
            return false;
        }

        _free.Enqueue(item);
        return true;
    }
}
