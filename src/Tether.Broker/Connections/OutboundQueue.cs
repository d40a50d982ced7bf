namespace Tether.Broker;

/// <summary>
/// A connection's outbound queue: many producers, one drain, and no storage while it is empty.
/// </summary>
/// <remarks>
/// An idle connection should cost a few fields, not a parked channel and writer task (about 2 KB each, see
/// BENCHMARKS.md "Memory per idle connection"). Items go into a chain of fixed-size chunks
/// (<see cref="OutboundChunk"/>) taken from a shared free list on the first enqueue; the drain takes the whole chain at
/// once (so producers never wait for encoding or I/O) and gives it back when the batch is written, and producers
/// meanwhile start a fresh one. The free list makes that allocation-free in steady state.
///
/// One int holds the whole state: <see cref="Guard"/> (a producer or the drain is swapping the chain: a critical
/// section of a few instructions, never held across I/O, encoding or a callback), <see cref="Draining"/> (a drain
/// owns the queue) and <see cref="Completed"/> (the final item is in; nothing more is accepted). The enqueue that
/// finds the queue not draining sets the flag and must start the drain. The drain clears the flag only in the same
/// guarded step that finds the queue empty, so an item added concurrently either lands in a batch the drain still
/// takes or finds the flag clear and starts the next drain: no item is stranded.
///
/// A mutable struct, held in a field and only used through it: it must never be copied.
/// </remarks>
internal struct OutboundQueue
{
    private const int Guard = 1;
    private const int Draining = 2;
    private const int Completed = 4;

    private int _state;
    private OutboundChunk? _head;
    private OutboundChunk? _tail;

    /// <summary>Whether the final item has been enqueued (see <see cref="TryEnqueueFinal"/>).</summary>
    public readonly bool IsCompleted => (Volatile.Read(in _state) & Completed) != 0;

    /// <summary>
    /// Appends an item. Returns <see cref="EnqueueResult.Rejected"/> once the queue is completed (the caller still owns
    /// what the item references), and <see cref="EnqueueResult.StartDrain"/> when the caller must start the drain.
    /// </summary>
    public EnqueueResult Enqueue(in OutboundItem item) => Append(item, complete: false);

    /// <summary>Appends the last item the queue accepts (the close): anything enqueued later is rejected.</summary>
    public EnqueueResult TryEnqueueFinal(in OutboundItem item) => Append(item, complete: true);

    /// <summary>
    /// Drain only: takes every queued item as one batch (a chain of chunks, in order), to hand back with
    /// <see cref="OutboundChunk.ReturnChain"/> once written. Returns false, and gives up the drain, when the queue is
    /// empty; the drain must then end.
    /// </summary>
    public bool TryTakeBatch(out OutboundChunk batch)
    {
        var state = Acquire();
        if (_head is null)
        {
            Volatile.Write(ref _state, state & ~Draining);
            batch = null!;
            return false;
        }

        batch = _head;
        _head = null;
        _tail = null;
        Volatile.Write(ref _state, state);
        return true;
    }

    private EnqueueResult Append(in OutboundItem item, bool complete)
    {
        var state = Acquire();
        if ((state & Completed) != 0)
        {
            Volatile.Write(ref _state, state);
            return EnqueueResult.Rejected;
        }

        var tail = _tail;
        if (tail is null)
        {
            tail = _head = _tail = OutboundChunk.Rent();
        }
        else if (tail.IsFull)
        {
            var next = OutboundChunk.Rent();
            tail.Next = next;
            tail = _tail = next;
        }

        tail.Add(item);
        var result = (state & Draining) == 0 ? EnqueueResult.StartDrain : EnqueueResult.Queued;
        Volatile.Write(ref _state, state | Draining | (complete ? Completed : 0));
        return result;
    }

    /// <summary>Enters the guarded section; returns the state without <see cref="Guard"/>, to write back on leaving.</summary>
    private int Acquire()
    {
        var spinner = default(SpinWait);
        while (true)
        {
            var state = Volatile.Read(ref _state);
            if ((state & Guard) == 0 && Interlocked.CompareExchange(ref _state, state | Guard, state) == state)
            {
                return state;
            }

            // The holder is inside a handful of instructions; yield only if it was preempted there, and never sleep
            // for a millisecond (SpinWait's default after 20 spins), which would cost a message its latency.
            spinner.SpinOnce(sleep1Threshold: -1);
        }
    }
}

/// <summary>What <see cref="OutboundQueue"/> did with an item.</summary>
internal enum EnqueueResult : byte
{
    /// <summary>Queued behind a drain that is already running.</summary>
    Queued,

    /// <summary>Queued, and the queue was idle: the caller must start the drain.</summary>
    StartDrain,

    /// <summary>The queue is completed; the item was not queued.</summary>
    Rejected,
}
