namespace Tether.Client;

/// <summary>
/// Publishes not yet sent, in the order they were made. One consumer (the current connection's writer loop) takes
/// from the head; QoS 0 messages whose batch was not flushed when the connection broke go back to the head, so they
/// are still first in line after a reconnect. Adding and taking allocate nothing beyond the list node; a signal is
/// only made when a producer has to wait for room.
/// </summary>
internal sealed class OutboundQueue
{
    private readonly Lock _gate = new();
    private readonly LinkedList<OutgoingPublish> _items = new();
    private TaskCompletionSource? _removed;

    public OutboundQueue(int limit) => Limit = Math.Max(1, limit);

    public int Limit { get; }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _items.Count;
            }
        }
    }

    /// <summary>Adds at the tail if there is room; false when the queue holds <see cref="Limit"/> items.</summary>
    public bool TryEnqueue(OutgoingPublish item)
    {
        lock (_gate)
        {
            if (_items.Count >= Limit)
            {
                return false;
            }

            _items.AddLast(item);
            return true;
        }
    }

    /// <summary>Adds at the tail, waiting for room.</summary>
    public async Task EnqueueAsync(OutgoingPublish item, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task removed;
            lock (_gate)
            {
                if (_items.Count < Limit)
                {
                    _items.AddLast(item);
                    return;
                }

                _removed ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                removed = _removed.Task;
            }

            await removed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The head, without taking it.</summary>
    public bool TryPeek(out OutgoingPublish item)
    {
        lock (_gate)
        {
            item = _items.First?.Value!;
            return item is not null;
        }
    }

    /// <summary>Takes the head (the one <see cref="TryPeek"/> returned; there is a single consumer).</summary>
    public void RemoveHead()
    {
        TaskCompletionSource? removed;
        lock (_gate)
        {
            _items.RemoveFirst();
            removed = _removed;
            _removed = null;
        }

        removed?.TrySetResult();
    }

    /// <summary>Puts <paramref name="items"/> back at the head, in their order.</summary>
    public void RequeueAtHead(List<OutgoingPublish> items)
    {
        lock (_gate)
        {
            for (var i = items.Count - 1; i >= 0; i--)
            {
                _items.AddFirst(items[i]);
            }
        }
    }

    /// <summary>Empties the queue and returns what it held.</summary>
    public List<OutgoingPublish> Drain()
    {
        TaskCompletionSource? removed;
        List<OutgoingPublish> items;
        lock (_gate)
        {
            items = [.. _items];
            _items.Clear();
            removed = _removed;
            _removed = null;
        }

        removed?.TrySetResult();
        return items;
    }
}
