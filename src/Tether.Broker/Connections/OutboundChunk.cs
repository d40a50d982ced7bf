using System.Runtime.CompilerServices;

namespace Tether.Broker;

/// <summary>
/// A run of up to <see cref="Capacity"/> queued items, one link of a connection's outbound chain
/// (<see cref="OutboundQueue"/>). Chunks are shared by all connections through one bounded lock-free free list.
/// </summary>
/// <remarks>
/// Fixed-size links rather than one array that doubles: a receiver that falls behind in a fan-out holds a long queue,
/// and doubling arrays (of every size, for every receiver at once) overflowed any pool and were allocated and dropped
/// for every message (BENCHMARKS.md "Shared PUBLISH encoding"). Links of one size are all alike, so one free list
/// serves every queue, nothing is copied when a queue grows, and what a burst pins is bounded by the list.
/// </remarks>
internal sealed class OutboundChunk
{
    /// <summary>Items per chunk: the acknowledgements and messages a light subscriber gets per wake-up fit in one.</summary>
    public const int Capacity = 32;

    // About 4,096 × 1 KB = 4 MB kept at most: a 1 → 100 fan-out whose receivers each lag by 1,000 messages needs about
    // 3,200. Beyond that chunks given back are left to the garbage collector.
    private const int MaxFree = 4096;

    private static readonly BoundedFreeList<OutboundChunk> Free = new(MaxFree);

    private Items _items;

    private OutboundChunk()
    {
    }

    /// <summary>How many items this chunk holds, from index 0.</summary>
    public int Count { get; private set; }

    /// <summary>The chunk queued after this one.</summary>
    public OutboundChunk? Next { get; set; }

    public bool IsFull => Count == Capacity;

    /// <summary>The item at <paramref name="index"/>, to read or to clear once handled.</summary>
    public ref OutboundItem this[int index] => ref _items[index];

    /// <summary>An empty chunk, from the free list when it has one.</summary>
    public static OutboundChunk Rent() => Free.TryTake(out var chunk) ? chunk : new OutboundChunk();

    /// <summary>
    /// Gives back <paramref name="head"/> and every chunk after it, cleared so they hold no message alive. Items still
    /// in them (a batch cut short by the close or a failure, or one discarded unwritten) give back their message
    /// reference here; items already handled were cleared by their writer.
    /// </summary>
    public static void ReturnChain(OutboundChunk? head)
    {
        while (head is not null)
        {
            var next = head.Next;
            var items = ((Span<OutboundItem>)head._items)[..head.Count];
            foreach (ref var item in items)
            {
                item.Message?.Release();
            }

            items.Clear();
            head.Count = 0;
            head.Next = null;
            Free.TryGiveBack(head);
            head = next;
        }
    }

    /// <summary>Appends an item; the caller checks <see cref="IsFull"/> first.</summary>
    public void Add(in OutboundItem item) => _items[Count++] = item;

    [InlineArray(Capacity)]
    private struct Items
    {
        private OutboundItem _first;
    }
}
