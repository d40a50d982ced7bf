namespace Tether.Broker;

/// <summary>
/// The part of a session's queue that lives only in the store: each message's sequence number (its key in the store)
/// and payload size (so the queue's byte limit and the memory window stay exact), oldest first. Twelve bytes per
/// message instead of the message itself; a ring of two arrays, so that paging in from the head and paging out at
/// the tail move nothing.
/// </summary>
internal sealed class PagedDeliveries
{
    // A queue that drained gives back arrays above this many entries (12 KiB), so a backlog once paged out does not
    // pin its high-water mark per session.
    private const int KeptCapacity = 1024;
    private const int InitialCapacity = 16;

    private long[] _sequences = new long[InitialCapacity];
    private int[] _sizes = new int[InitialCapacity];
    private int _head;

    public int Count { get; private set; }

    /// <summary>Payload bytes of every message here.</summary>
    public long Bytes { get; private set; }

    public void Enqueue(long sequence, int size)
    {
        if (Count == _sequences.Length)
        {
            Grow();
        }

        var tail = (_head + Count) % _sequences.Length;
        _sequences[tail] = sequence;
        _sizes[tail] = size;
        Count++;
        Bytes += size;
    }

    /// <summary>The sequence number <paramref name="offset"/> places from the oldest.</summary>
    public long SequenceAt(int offset) => _sequences[(_head + offset) % _sequences.Length];

    /// <summary>The payload size <paramref name="offset"/> places from the oldest.</summary>
    public int SizeAt(int offset) => _sizes[(_head + offset) % _sizes.Length];

    /// <summary>Removes the oldest entry.</summary>
    public void Dequeue()
    {
        Bytes -= _sizes[_head];
        _head = (_head + 1) % _sequences.Length;
        Count--;
        if (Count == 0)
        {
            Clear();
        }
    }

    public void Clear()
    {
        Count = 0;
        Bytes = 0;
        _head = 0;
        if (_sequences.Length > KeptCapacity)
        {
            _sequences = new long[InitialCapacity];
            _sizes = new int[InitialCapacity];
        }
    }

    private void Grow()
    {
        var sequences = new long[_sequences.Length * 2];
        var sizes = new int[sequences.Length];
        for (var i = 0; i < Count; i++)
        {
            sequences[i] = SequenceAt(i);
            sizes[i] = SizeAt(i);
        }

        _sequences = sequences;
        _sizes = sizes;
        _head = 0;
    }
}
